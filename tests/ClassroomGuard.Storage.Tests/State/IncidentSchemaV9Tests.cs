using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.Tests.State;

/// <summary>
/// V9 over incidents recorded by V8 (each gets its 'raised' row; a closed one its closing time), the pupil's index that
/// the chronology's case-insensitive match uses, the device label that is never the pupil's name, and incident writes
/// that leave the state revision (the DNS filter's recompile) alone.
/// </summary>
public sealed class IncidentSchemaV9Tests
{
    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task Open_V8DatabaseWithIncidents_EachGetsItsRaisedRowAndAClosedOneItsClosingTime()
    {
        using var context = new StateTestContext();
        using (var connection = new SqliteConnection($"Data Source={context.DbPath};Pooling=False"))
        {
            connection.Open();
            StateMigrations.Migrate(connection, 8, 0);
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO users (id, user_name, display_name, password_hash, created_at) VALUES (1, 'lead', 'Lead', 'x', 0);
                INSERT INTO incidents (id, reported_by, occurred_at, person, action_taken, outcome, status, created_at, updated_at)
                VALUES (1, 1, 1000, 'Pupil A', 'screen blanked', NULL, 'open', 2000, 2000),
                       (2, 1, 5000, 'Pupil B', 'spoke to the pupil', 'parents informed', 'closed', 6000, 9000);
                """;
            command.ExecuteNonQuery();
        }

        var store = context.Store;
        var open = (await store.Incidents.GetAsync(1, Token))!;
        var closed = (await store.Incidents.GetAsync(2, Token))!;
        var openSteps = await store.Incidents.ChronologyAsync(1, Token);
        var closedSteps = await store.Incidents.ChronologyAsync(2, Token);

        Assert.Null(open.ClosedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(9000), closed.ClosedAt);
        var raised = Assert.Single(openSteps);
        Assert.Equal((IncidentEventKind.Raised, "screen blanked", (long?)1, DateTimeOffset.FromUnixTimeMilliseconds(2000)), (raised.Kind, raised.Text, raised.UserId, raised.At));
        Assert.Equal(IncidentEventKind.Raised, Assert.Single(closedSteps).Kind);
    }

    [Fact]
    public void PupilIndex_IsUsedByTheCaseInsensitiveMatch()
    {
        using var context = new StateTestContext();
        _ = context.Store;
        using var connection = new SqliteConnection($"Data Source={context.DbPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN SELECT id FROM incidents WHERE person = 'pupil a' COLLATE NOCASE";
        using var reader = command.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        Assert.Contains(plan, p => p.Contains("incidents_person", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecordAsync_DeviceWithNoHostName_LabelledByItsMacNeverByThePupilSignedIn()
    {
        using var context = new StateTestContext();
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        var device = await context.Store.Devices.ObserveAsync(
            new DeviceObservation(context.Clock.Now, DeviceSource.Agent, "aa:bb:cc:00:00:07", "10.0.0.7", Hostname: null, DisplayName: "Jamie Pupil"), Token);

        var incident = await context.Store.Incidents.RecordAsync(new NewIncident(teacher.Id, context.Clock.Now, "reported", device), Token);

        Assert.NotNull(incident.DeviceLabel);
        Assert.DoesNotContain("Jamie", incident.DeviceLabel, StringComparison.Ordinal);
        Assert.Equal("aa:bb:cc:00:00:07", incident.DeviceLabel);
    }

    [Fact]
    public async Task RecordAndUpdateStatus_LeaveTheStateRevisionAlone()
    {
        using var context = new StateTestContext();
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        var before = await context.Store.GetRevisionAsync(Token);

        var incident = await context.Store.Incidents.RecordAsync(new NewIncident(teacher.Id, context.Clock.Now, "reported"), Token);
        Assert.True(await context.Store.Incidents.UpdateStatusAsync(incident.Id, IncidentStatus.Closed, "dealt with", Token));

        Assert.Equal(before, await context.Store.GetRevisionAsync(Token));
    }
}
