using System.Buffers;
using System.Text;
using System.Text.Json;
using ClassroomGuard.Agent.Hub;

namespace ClassroomGuard.Agent.Tests.Hub;

public sealed class HubProtocolTests
{
    private const string Blank = "{\"type\":1,\"target\":\"Blank\",\"arguments\":[null,\"2026-11-23T10:00:00+00:00\"]}";

    public static TheoryData<string, string> Malformed => new()
    {
        { "not json", "hello" },
        { "array", "[1,2]" },
        { "no type", "{\"target\":\"Blank\"}" },
        { "string type", "{\"type\":\"1\"}" },
        { "invocation without target", "{\"type\":1,\"arguments\":[]}" },
        { "invocation without arguments", "{\"type\":1,\"target\":\"Blank\"}" },
        { "invocation with object arguments", "{\"type\":1,\"target\":\"Blank\",\"arguments\":{}}" },
        { "completion without id", "{\"type\":3,\"result\":1}" },
        { "trailing garbage", "{\"type\":6}x" },
    };

    [Fact]
    public void Parse_Invocation_ReturnsTargetAndArguments()
    {
        var message = Assert.IsType<InvocationMessage>(HubProtocol.Parse(Encoding.UTF8.GetBytes(Blank), out var unknown));

        Assert.False(unknown);
        Assert.Null(message.InvocationId);
        Assert.Equal("Blank", message.Target);
        Assert.Equal(JsonValueKind.Null, message.Arguments[0].ValueKind);
        Assert.Equal("2026-11-23T10:00:00+00:00", message.Arguments[1].GetString());
    }

    [Fact]
    public void Parse_CompletionPingClose_ReturnsEach()
    {
        var completion = Assert.IsType<CompletionMessage>(HubProtocol.Parse("{\"type\":3,\"invocationId\":\"7\",\"error\":\"no\"}"u8, out _));
        Assert.Equal(("7", "no"), (completion.InvocationId, completion.Error));
        Assert.Same(PingMessage.Instance, HubProtocol.Parse("{\"type\":6}"u8, out _));
        var close = Assert.IsType<CloseMessage>(HubProtocol.Parse("{\"type\":7,\"error\":\"bye\",\"allowReconnect\":true}"u8, out _));
        Assert.Equal(("bye", true), (close.Error, close.AllowReconnect));
        Assert.False(Assert.IsType<CloseMessage>(HubProtocol.Parse("{\"type\":7}"u8, out _)).AllowReconnect);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(99)]
    public void Parse_TypeTheAgentDoesNotHandle_ReturnsOtherAndFlagsUnknown(int type)
    {
        var message = HubProtocol.Parse(Encoding.UTF8.GetBytes($"{{\"type\":{type},\"whatever\":[1]}}"), out var unknown);

        Assert.True(unknown);
        Assert.Equal(type, Assert.IsType<OtherMessage>(message).TypeNumber);
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Parse_Malformed_ThrowsProtocolException(string name, string record)
    {
        Assert.NotNull(name);
        Assert.Throws<HubProtocolException>(() => HubProtocol.Parse(Encoding.UTF8.GetBytes(record), out _));
    }

    [Fact]
    public void Parse_EveryTruncatedPrefix_ThrowsProtocolException()
    {
        var bytes = Encoding.UTF8.GetBytes(Blank);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<HubProtocolException>(() => HubProtocol.Parse(bytes.AsSpan(0, length), out _));
        }
    }

    [Fact]
    public void ReadHandshakeResponse_EmptyObject_Accepts() => HubProtocol.ReadHandshakeResponse("{}"u8);

    [Fact]
    public void ReadHandshakeResponse_Error_ThrowsWithServerReason()
    {
        var error = Assert.Throws<HubProtocolException>(() => HubProtocol.ReadHandshakeResponse("{\"error\":\"Requested protocol 'x' is not available.\"}"u8));

        Assert.Contains("not available", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteInvocation_Report_IsOneNonBlockingRecord()
    {
        var output = new ArrayBufferWriter<byte>();

        HubProtocol.WriteInvocation(output, "Heartbeat", [new { hostname = "pc1", macs = new[] { "02:00:00:00:00:01" } }], new JsonSerializerOptions(JsonSerializerDefaults.Web));

        var text = Encoding.UTF8.GetString(output.WrittenSpan);
        Assert.Equal("{\"type\":1,\"target\":\"Heartbeat\",\"arguments\":[{\"hostname\":\"pc1\",\"macs\":[\"02:00:00:00:00:01\"]}]}\u001e", text);
        var parsed = Assert.IsType<InvocationMessage>(HubProtocol.Parse(output.WrittenSpan[..^1], out _));
        Assert.Null(parsed.InvocationId);
    }

    [Fact]
    public void HandshakeRequest_IsJsonVersion1WithSeparator()
        => Assert.Equal("{\"protocol\":\"json\",\"version\":1}\u001e", Encoding.UTF8.GetString(HubProtocol.HandshakeRequest));
}
