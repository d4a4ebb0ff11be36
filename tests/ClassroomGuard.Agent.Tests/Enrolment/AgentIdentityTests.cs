using ClassroomGuard.Agent.Enrolment;

namespace ClassroomGuard.Agent.Tests.Enrolment;

public sealed class AgentIdentityTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Save_Identity_IsOwnerOnlyAndLoadsBack()
    {
        var folder = Directory.CreateTempSubdirectory("cg-agent-");
        try
        {
            var path = Path.Combine(folder.FullName, "sub", "agent.json");
            var identity = new AgentIdentity("https://127.0.0.1:8443/", 7, "secret", 3, "pin=");

            identity.Save(path);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(identity, AgentIdentity.Load(path));
            Assert.Equal("Bearer 7.secret", identity.Authorization);
            Assert.Null(AgentIdentity.Load(path + ".missing"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
