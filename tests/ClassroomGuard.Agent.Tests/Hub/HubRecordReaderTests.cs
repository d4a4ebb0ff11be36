using System.Text;
using ClassroomGuard.Agent.Hub;

namespace ClassroomGuard.Agent.Tests.Hub;

public sealed class HubRecordReaderTests
{
    private static readonly byte[] TwoRecords = Encoding.UTF8.GetBytes("{\"type\":6}\u001e{\"type\":1,\"target\":\"Unblank\",\"arguments\":[]}\u001e");

    [Fact]
    public void TryRead_TwoRecordsInOneMessage_ReturnsBothInOrder()
    {
        var reader = new HubRecordReader(1024);
        reader.Append(TwoRecords);

        Assert.True(reader.TryRead(out var first));
        Assert.Equal("{\"type\":6}", Encoding.UTF8.GetString(first));
        Assert.True(reader.TryRead(out var second));
        Assert.StartsWith("{\"type\":1", Encoding.UTF8.GetString(second), StringComparison.Ordinal);
        Assert.False(reader.TryRead(out _));
        Assert.Equal(0, reader.PendingBytes);
    }

    [Fact]
    public void TryRead_SplitAtEveryPoint_ReassemblesTheSameRecords()
    {
        for (var split = 0; split <= TwoRecords.Length; split++)
        {
            var reader = new HubRecordReader(1024);
            var records = new List<string>();
            reader.Append(TwoRecords.AsSpan(0, split));
            while (reader.TryRead(out var record))
            {
                records.Add(Encoding.UTF8.GetString(record));
            }

            reader.Append(TwoRecords.AsSpan(split));
            while (reader.TryRead(out var record))
            {
                records.Add(Encoding.UTF8.GetString(record));
            }

            Assert.Equal(["{\"type\":6}", "{\"type\":1,\"target\":\"Unblank\",\"arguments\":[]}"], records);
        }
    }

    [Fact]
    public void Append_UnfinishedRecordOverLimit_Throws()
    {
        var reader = new HubRecordReader(16);
        reader.Append(new byte[16]);

        Assert.Throws<HubProtocolException>(() => reader.Append(new byte[1]));
    }

    [Fact]
    public void TryRead_CompleteRecordOverLimit_Throws()
    {
        var reader = new HubRecordReader(4);
        reader.Append("12345\u001e"u8);

        Assert.Throws<HubProtocolException>(() => reader.TryRead(out _));
    }
}
