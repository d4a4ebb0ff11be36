namespace ClassroomGuard.Image.Tests.Upgrade;

/// <summary>
/// The older release the upgrade starts from: the last commit on main before state schema V10 (the reports table), so
/// the new console's <c>migrate</c> really migrates. Its source comes out of this repository's own history
/// (<c>git archive</c>); it is built with today's <c>image/release.sh</c> (which that commit did not have yet), and
/// its state database is written through its own storage library by <see cref="SeedProject"/>.
/// </summary>
internal static class OlderRelease
{
    /// <summary>The commit (main, "Merge branch 'fixgov'", 2026-12-07 10:59 UTC): schema version 9.</summary>
    public const string Commit = "e944ed9";

    /// <summary>Its state database schema version.</summary>
    public const int SchemaVersion = 9;

    /// <summary>A version older than any the current tree makes.</summary>
    public const string Version = "2026.12.07.105910-older";

    /// <summary>What the seed writes (names the tests look for after the upgrade).</summary>
    public const string Room = "Science 4";

    /// <summary>The technician who proposed the seeded change.</summary>
    public const string Technician = "tech.before";

    /// <summary>The domain the seeded (approved) change denies.</summary>
    public const string DeniedDomain = "kept-across-upgrade.example";

    /// <summary>The seed's project file, written into the older source tree.</summary>
    public const string SeedProject = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
          </PropertyGroup>
          <ItemGroup>
            <ProjectReference Include="../../storage/ClassroomGuard.Storage.csproj" />
          </ItemGroup>
        </Project>
        """;

    /// <summary>
    /// The seed program, against the older storage library's API: a site and room, two technicians, one approved
    /// change (two change-log entries). Usage: UpgradeSeed STATE_DB.
    /// </summary>
    public const string SeedProgram = $$"""
        using ClassroomGuard.Storage.State;

        using var store = StateStore.Open(new StateOptions { Path = args[0], BusyTimeout = TimeSpan.FromSeconds(30) });
        var none = CancellationToken.None;
        var site = await store.Sites.CreateSiteAsync("Upgrade High", none);
        var room = await store.Sites.CreateRoomAsync(site.Id, "{{Room}}", none);
        var (_, proposer) = await store.Users.CreateUserAsync("{{Technician}}", "Technician Before", [Role.Technician], "kept-across-the-upgrade-1", none);
        var (_, approver) = await store.Users.CreateUserAsync("tech.approver", "Technician Approver", [Role.Technician], "kept-across-the-upgrade-2", none);
        var proposed = await store.ChangeControl.ProposeAsync(proposer!.Id, new SetDomainRuleChange("{{DeniedDomain}}", null, RuleAction.Deny), "kept across the upgrade", none);
        var approved = await store.ChangeControl.ApproveAsync(approver!.Id, proposed.Entry!.ChangeId, "approved before the upgrade", none);
        Console.WriteLine($"room={room.Id} change={approved.Entry!.ChangeId} seq={approved.Entry.Sequence}");
        """;
}
