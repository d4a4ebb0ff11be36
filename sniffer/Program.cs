// ClassroomGuard.Sniffer — passive capture from the mirror port, packet decoding and per-device accounting.
// This service is not built yet (issue #4). It says so and exits with EX_CONFIG (78) rather
// than pretending to run, so set-up and systemd never report it as working.
System.Console.Error.WriteLine("ClassroomGuard.Sniffer is not implemented yet (issue #4); nothing was started.");
return 78;
