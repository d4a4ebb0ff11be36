using System.Globalization;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Capture;

/// <summary>An interface libpcap refuses to activate: the message names the setting to change.</summary>
public sealed class CaptureActivationErrorTests
{
    [Fact]
    public async Task OpenLive_InterfaceDown_NamesSnifferInterfaceAndTheFix()
    {
        var ns = "cgfxc" + Random.Shared.Next(0x100000, 0xFFFFFF).ToString("x6", CultureInfo.InvariantCulture);
        await Tool.CheckAsync("ip", "netns", "add", ns);
        try
        {
            // A veth pair created inside the namespace and left down, as a mirror port with its link not brought up.
            await Tool.CheckAsync("ip", "-n", ns, "link", "add", "cgfxdown", "type", "veth", "peer", "name", "cgfxpeer");
            var error = Assert.Throws<PcapException>(() => NetworkLab.RunInNamespace(ns, () => PacketCapture.OpenLive(new LiveCaptureSettings
            {
                Interface = "cgfxdown",
                ReadTimeout = TimeSpan.FromMilliseconds(50),
            })));

            Assert.Equal(PcapErrorKind.NoSuchInterface, error.Kind);
            Assert.Contains("'cgfxdown' (Sniffer:Interface) is not up", error.Message, StringComparison.Ordinal);
            Assert.Contains("ip link set cgfxdown up", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await Tool.RunAsync("ip", ["netns", "del", ns]);
        }
    }

    // SharpPcap 6.3.1 names the refused property in ConfigurationFailed with these words (nameof its DeviceConfiguration
    // properties, and "Promiscuous" for the mode). libpcap on Linux refuses none of them before activation, so only the
    // mapping can be checked here.
    [Theory]
    [InlineData("Snaplen", "Sniffer:SnapLength")]
    [InlineData("BufferSize", "Sniffer:BufferSize")]
    [InlineData("Immediate", "Sniffer:ImmediateMode")]
    [InlineData("ReadTimeout", "Sniffer:ReadTimeout")]
    [InlineData("Promiscuous", "Sniffer:Promiscuous")]
    public void SettingName_SharpPcapProperty_OurSetting(string property, string setting) =>
        Assert.Equal(setting, PacketCapture.SettingName(property));
}
