using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using ClassroomGuard.AgentContract;
using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Agent.Enrolment;

/// <summary>Enrolment failed: the token was refused, or the console could not be reached or trusted.</summary>
/// <param name="message">What happened and what to do.</param>
/// <param name="refused">True when the console answered and refused the token (trying again will not help).</param>
/// <param name="inner">The underlying error, if any.</param>
public sealed class EnrolmentException(string message, bool refused, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The console refused the token; false when it could not be reached or its certificate was refused.</summary>
    public bool Refused { get; } = refused;
}

/// <summary>
/// Enrols this device with the console: POST <see cref="AgentRoutes.Enrol"/> with the room token and the device report; the
/// console's certificate seen on that connection is pinned (or must match <c>Agent:ExpectedConsolePin</c> when set).
/// </summary>
public sealed class AgentEnroller(ILogger<AgentEnroller> logger)
{
    /// <summary>Enrols and returns the identity to save.</summary>
    /// <exception cref="EnrolmentException">Refused or unreachable.</exception>
    public async Task<AgentIdentity> EnrolAsync(Uri consoleUrl, string token, string? expectedPin, AgentReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consoleUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        ArgumentNullException.ThrowIfNull(report);
        string? seenPin = null;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null)
            {
                return false;
            }

            using var cert = new X509Certificate2(certificate);
            seenPin = CertificatePin.Of(cert);
            if (expectedPin is not null && seenPin != expectedPin)
            {
                Log.PinMismatch(logger, cert.Subject, seenPin, expectedPin);
                return false;
            }

            return true; // trust on first use: this certificate is pinned from now on
        };
        using var client = new HttpClient(handler) { BaseAddress = consoleUrl, Timeout = TimeSpan.FromSeconds(30) };
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsJsonAsync(
                AgentRoutes.Enrol,
                report.ToEnrolment(token),
                AgentJson.Options,
                cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new EnrolmentException($"The console at {consoleUrl} could not be reached or its certificate was refused: {e.Message}", refused: false, e);
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest)
            {
                throw new EnrolmentException($"The console refused the enrolment token ({(int)response.StatusCode}); ask a technician for a current token for this room.", refused: true);
            }

            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                throw new EnrolmentException("This device already has an enrolled agent on the console; ask a technician to reset its agent (Devices page), then enrol again.", refused: true);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new EnrolmentException($"Enrolment failed: the console answered {(int)response.StatusCode}.", refused: false);
            }

            var answer = await response.Content.ReadFromJsonAsync<EnrolmentAnswer>(AgentJson.Options, cancellationToken).ConfigureAwait(false)
                ?? throw new EnrolmentException("The console's enrolment answer was empty.", refused: false);
            var identity = new AgentIdentity(consoleUrl.ToString(), answer.AgentId, answer.Secret, answer.RoomId, seenPin!);
            Log.Enrolled(logger, answer.AgentId, answer.RoomId, identity.CertificatePin);
            return identity;
        }
    }
}
