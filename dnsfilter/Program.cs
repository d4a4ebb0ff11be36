// ClassroomGuard.DnsFilter — the filtering DNS resolver (UDP/TCP 53) and policy engine.
// This service is not built yet (issue #3). It says so and exits with EX_CONFIG (78) rather
// than pretending to run, so set-up and systemd never report it as working.
System.Console.Error.WriteLine("ClassroomGuard.DnsFilter is not implemented yet (issue #3); nothing was started.");
return 78;
