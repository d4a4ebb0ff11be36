using System.Buffers;
using System.Text;
using System.Text.Json;
using ClassroomGuard.Agent.Enrolment;
using ClassroomGuard.Agent.Hub;
using ClassroomGuard.AgentContract;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using AgentInvocation = ClassroomGuard.Agent.Hub.InvocationMessage;
using ServerInvocation = Microsoft.AspNetCore.SignalR.Protocol.InvocationMessage;
using ServerHubMessage = Microsoft.AspNetCore.SignalR.Protocol.HubMessage;

namespace ClassroomGuard.Agent.Tests.Contract;

/// <summary>
/// The wire format both sides agreed before the contract library existed, written out literally: each message is
/// serialized the way its sender does it and compared with these bytes, then read the way the other side reads it
/// (the console through ASP.NET Core's own JSON hub protocol and minimal-API settings, the agent through its own).
/// </summary>
public sealed class AgentContractWireTests
{
    private const string EnrolmentJson = "{\"token\":\"tok\",\"hostname\":\"pc1\",\"macs\":[\"02:00:00:00:00:01\"],\"ips\":[\"10.0.0.5\"],\"user\":\"pupil\"}";
    private const string AnswerJson = "{\"agentId\":7,\"secret\":\"s3cret\",\"roomId\":3}";
    private const string HeartbeatRecord = "{\"type\":1,\"target\":\"Heartbeat\",\"arguments\":[{\"hostname\":\"pc1\",\"macs\":[\"02:00:00:00:00:01\"],\"ips\":[\"10.0.0.5\"],\"user\":\"pupil\"}]}\u001e";
    private const string BlankRecord = "{\"type\":1,\"target\":\"Blank\",\"arguments\":[null,\"2026-11-23T10:00:00+00:00\"]}\u001e";
    private const string UnblankRecord = "{\"type\":1,\"target\":\"Unblank\",\"arguments\":[]}\u001e";

    private static readonly AgentReport Report = new("pc1", ["02:00:00:00:00:01"], ["10.0.0.5"], "pupil");

    /// <summary>The console's minimal-API JSON settings (web defaults) and a serializer with no naming policy at all.</summary>
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void EnrolmentRequest_AsTheAgentSendsIt_IsTheAgreedJson()
    {
        Assert.Equal(EnrolmentJson, JsonSerializer.Serialize(Report.ToEnrolment("tok"), AgentJson.Options));
        Assert.Equal(EnrolmentJson, JsonSerializer.Serialize(Report.ToEnrolment("tok"))); // names fixed by attribute, not options
    }

    [Fact]
    public void EnrolmentRequest_AgreedJson_ReadsAsTheConsoleBindsIt()
    {
        var request = JsonSerializer.Deserialize<EnrolmentRequest>(EnrolmentJson, Web)!;

        Assert.Equal(("tok", "pc1", "pupil"), (request.Token, request.Hostname, request.User));
        Assert.Equal(["02:00:00:00:00:01"], request.Macs!);
        Assert.Equal(["10.0.0.5"], request.Ips!);
    }

    [Fact]
    public void EnrolmentAnswer_AsTheConsoleSendsIt_IsTheAgreedJsonAndReadsInTheAgent()
    {
        Assert.Equal(AnswerJson, JsonSerializer.Serialize(new EnrolmentAnswer(7, "s3cret", 3), Web));

        Assert.Equal(new EnrolmentAnswer(7, "s3cret", 3), JsonSerializer.Deserialize<EnrolmentAnswer>(AnswerJson, AgentJson.Options));
    }

    [Fact]
    public void Heartbeat_AsTheAgentWritesIt_IsTheAgreedRecordAndBindsInTheConsole()
    {
        var output = new ArrayBufferWriter<byte>();
        HubProtocol.WriteInvocation(output, AgentHubMethods.Heartbeat, [Report.ToHeartbeat()], Web);

        Assert.Equal(HeartbeatRecord, Encoding.UTF8.GetString(output.WrittenSpan));
        var invocation = Assert.IsType<ServerInvocation>(ParseAsConsole(output.WrittenMemory, typeof(AgentHeartbeat)));
        Assert.Equal(AgentHubMethods.Heartbeat, invocation.Target);
        var heartbeat = Assert.IsType<AgentHeartbeat>(Assert.Single(invocation.Arguments));
        Assert.Equal(("pc1", "pupil"), (heartbeat.Hostname, heartbeat.User));
        Assert.Equal(["02:00:00:00:00:01"], heartbeat.Macs!);
        Assert.Equal(["10.0.0.5"], heartbeat.Ips!);
    }

    [Fact]
    public void Blank_AsTheConsoleWritesIt_IsTheAgreedRecordAndReadsInTheAgent()
    {
        var expiresAt = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

        var record = WriteAsConsole(new ServerInvocation(AgentHubMethods.Blank, new BlankCommand(null, expiresAt).ToArguments()));

        Assert.Equal(BlankRecord, record);
        var invocation = ParseAsAgent(record);
        Assert.Equal(AgentHubMethods.Blank, invocation.Target);
        Assert.True(BlankCommand.TryRead(invocation.Arguments, out var command));
        Assert.Equal(new BlankCommand(null, expiresAt), command);
    }

    [Fact]
    public void Blank_WithMessage_KeepsTheMessage()
    {
        var expiresAt = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(1));

        var invocation = ParseAsAgent(WriteAsConsole(new ServerInvocation(AgentHubMethods.Blank, new BlankCommand("Eyes on me", expiresAt).ToArguments())));

        Assert.True(BlankCommand.TryRead(invocation.Arguments, out var command));
        Assert.Equal(new BlankCommand("Eyes on me", expiresAt), command);
    }

    [Fact]
    public void Unblank_AsTheConsoleWritesIt_IsTheAgreedRecord()
    {
        var record = WriteAsConsole(new ServerInvocation(AgentHubMethods.Unblank, []));

        Assert.Equal(UnblankRecord, record);
        Assert.Empty(ParseAsAgent(record).Arguments);
    }

    public static TheoryData<string, string> NotABlank => new()
    {
        { "no arguments", "[]" },
        { "one argument", "[null]" },
        { "three arguments", "[null,\"2026-11-23T10:00:00Z\",1]" },
        { "expiry a number", "[null,1732356000]" },
        { "expiry null", "[\"m\",null]" },
        { "expiry not a date", "[null,\"tomorrow\"]" },
        { "expiry an object", "[null,{\"at\":\"2026-11-23T10:00:00Z\"}]" },
    };

    [Theory]
    [MemberData(nameof(NotABlank))]
    public void BlankTryRead_ArgumentsNotABlanks_ReturnsFalse(string name, string arguments)
    {
        Assert.False(BlankCommand.TryRead(Arguments(arguments), out var command), name);
        Assert.Null(command);
    }

    [Theory]
    [InlineData("[42,\"2026-11-23T10:00:00Z\"]")]
    [InlineData("[\"\",\"2026-11-23T10:00:00Z\"]")]
    [InlineData("[{\"text\":\"x\"},\"2026-11-23T10:00:00Z\"]")]
    public void BlankTryRead_MessageNotText_LeavesTheAgentsDefault(string arguments)
    {
        Assert.True(BlankCommand.TryRead(Arguments(arguments), out var command));
        Assert.Null(command!.Message);
    }

    [Fact]
    public void AgentAuthorizationHeader_FormatThenParse_RoundTrips()
    {
        var header = AgentAuthorizationHeader.Format(42, "abc.def");

        Assert.Equal("Bearer 42.abc.def", header);
        Assert.True(AgentAuthorizationHeader.TryParse(header, out var id, out var secret));
        Assert.Equal((42L, "abc.def"), (id, secret));
        Assert.Equal(header, new AgentIdentity("https://c/", 42, "abc.def", 1, "pin").Authorization);
    }

    [Theory]
    [InlineData("Bearer ")]
    [InlineData("Bearer .secret")]
    [InlineData("Bearer 42")]
    [InlineData("Bearer -1.secret")]
    [InlineData("Bearer 4 2.secret")]
    [InlineData("Bearer 99999999999999999999.secret")]
    [InlineData("Basic 42.secret")]
    [InlineData("bearer 42.secret")]
    public void AgentAuthorizationHeaderTryParse_Malformed_ReturnsFalse(string header)
    {
        Assert.False(AgentAuthorizationHeader.TryParse(header, out var id, out var secret));
        Assert.Equal((0L, string.Empty), (id, secret));
    }

    private static string WriteAsConsole(ServerHubMessage message)
    {
        var output = new ArrayBufferWriter<byte>();
        new JsonHubProtocol(Options.Create(new JsonHubProtocolOptions())).WriteMessage(message, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static ServerHubMessage? ParseAsConsole(ReadOnlyMemory<byte> record, params Type[] parameterTypes)
    {
        var input = new ReadOnlySequence<byte>(record);
        Assert.True(new JsonHubProtocol(Options.Create(new JsonHubProtocolOptions())).TryParseMessage(ref input, new Binder(parameterTypes), out var message));
        return message;
    }

    private static AgentInvocation ParseAsAgent(string record)
    {
        var reader = new HubRecordReader(64 * 1024);
        reader.Append(Encoding.UTF8.GetBytes(record));
        Assert.True(reader.TryRead(out var bytes));
        return Assert.IsType<AgentInvocation>(HubProtocol.Parse(bytes, out _));
    }

    private static JsonElement[] Arguments(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    /// <summary>What the console's hub dispatcher tells the protocol: the parameter types of the method invoked.</summary>
    private sealed class Binder(Type[] parameterTypes) : IInvocationBinder
    {
        public IReadOnlyList<Type> GetParameterTypes(string methodName) => parameterTypes;

        public Type GetReturnType(string invocationId) => typeof(object);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }
}
