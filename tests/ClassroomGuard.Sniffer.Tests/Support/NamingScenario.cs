namespace ClassroomGuard.Sniffer.Tests.Support;

/// <summary>
/// The classroom of the site-naming tests (issue #16): two pupils behind one router, a bypass resolver that names a
/// shared address as an adult site, and an education site served from that same address.
/// </summary>
internal static class NamingScenario
{
    public const string Router = "02:aa:00:00:00:01";
    public const string MacA = "02:aa:00:00:00:0a";
    public const string MacB = "02:aa:00:00:00:0b";
    public const string PupilA = "10.0.0.10";
    public const string PupilB = "10.0.0.11";
    public const string Bypass = "8.8.8.8";
    public const string Shared = "203.0.113.5";
    public const string Adult = "adult-videos.example";
    public const string Learn = "learn.example.ac.uk";
}
