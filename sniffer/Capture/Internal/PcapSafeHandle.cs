using Microsoft.Win32.SafeHandles;

namespace ClassroomGuard.Sniffer.Capture.Internal;

/// <summary>Owns one <c>pcap_t*</c>; <c>pcap_close</c> runs exactly once, after the last user released it.</summary>
internal sealed class PcapSafeHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public PcapSafeHandle(nint handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle()
    {
        LibPcap.Close(handle);
        return true;
    }
}
