// ClassroomGuard.Agent — the pupil-device agent that blanks the screen on the teacher's command.
// This service is not built yet (issue #5). It says so and exits with EX_CONFIG (78) rather
// than pretending to run, so set-up and systemd never report it as working.
System.Console.Error.WriteLine("ClassroomGuard.Agent is not implemented yet (issue #5); nothing was started.");
return 78;
