using ClassroomGuard.Sniffer.Decoding.Application;

namespace ClassroomGuard.Sniffer.Decoding;

/// <summary>Limits of the decoder's only state: the buffers that join a TLS ClientHello split across TCP segments.</summary>
/// <remarks>
/// Security: every flow that starts a ClientHello and does not finish it holds a buffer until it completes, times out or
/// is evicted (oldest first), so a host that opens many half-sent ClientHellos costs at most
/// <see cref="MaxReassemblyFlows"/> × <see cref="MaxClientHelloLength"/> bytes and never grows memory.
/// </remarks>
public sealed class DecoderOptions
{
    /// <summary>Most flows with a partial ClientHello held at once; beyond it the oldest is dropped. Default 1024.</summary>
    public int MaxReassemblyFlows { get; set; } = 1024;

    /// <summary>
    /// Longest ClientHello record (header included) that is reassembled; longer ones are not decoded.
    /// Default 16,389: one full TLS record (2^14 bytes of plaintext plus the 5-byte header), which covers post-quantum
    /// key shares (~1.2 KB) and padding with room to spare.
    /// </summary>
    public int MaxClientHelloLength { get; set; } = 16384 + TlsRecord.HeaderLength;

    /// <summary>
    /// Most QUIC Initial packets per second (of packet time) whose decryption may fail before further ones are skipped
    /// (and counted). Default 1000. Security: each failure costs an AEAD check and an exception, so this bounds the CPU a
    /// flood of fake Initials can take; real clients' Initials never fail.
    /// </summary>
    public int MaxQuicDecryptFailuresPerSecond { get; set; } = 1000;

    /// <summary>Longest gap in packet time between two segments of one ClientHello. Default 10 s.</summary>
    public TimeSpan ReassemblyTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
