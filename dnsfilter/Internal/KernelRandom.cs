using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace ClassroomGuard.DnsFilter.Internal;

/// <summary>
/// Cryptographically secure random numbers from the kernel (<c>/dev/urandom</c>, the same pool as getrandom(2)) for
/// upstream query IDs. <see cref="RandomNumberGenerator"/> on Linux initialises OpenSSL (libcrypto), which costs
/// ~5 MB of RSS for two bytes per cache miss; this reads 512 bytes at a time into a per-thread buffer (one pread per
/// 256 IDs, no allocation after a thread's first ID). Where /dev/urandom cannot be opened it falls back to
/// <see cref="RandomNumberGenerator"/>.
/// </summary>
internal static class KernelRandom
{
    private const int BufferSize = 512;
    private static readonly SafeFileHandle? Urandom = Open();

    [ThreadStatic]
    private static byte[]? t_buffer;

    [ThreadStatic]
    private static int t_position;

    /// <summary>A uniformly random 16-bit value.</summary>
    public static ushort NextUInt16()
    {
        var buffer = t_buffer;
        if (buffer is null || t_position > BufferSize - 2)
        {
            buffer = t_buffer ??= new byte[BufferSize];
            Fill(buffer);
            t_position = 0;
        }

        var value = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(t_position));
        buffer.AsSpan(t_position, 2).Clear(); // a value handed out is not left behind
        t_position += 2;
        return value;
    }

    private static void Fill(byte[] buffer)
    {
        if (Urandom is not null)
        {
            var filled = 0;
            while (filled < buffer.Length)
            {
                var read = RandomAccess.Read(Urandom, buffer.AsSpan(filled), 0); // a character device: the offset is ignored
                if (read <= 0)
                {
                    break;
                }

                filled += read;
            }

            if (filled == buffer.Length)
            {
                return;
            }
        }

        RandomNumberGenerator.Fill(buffer);
    }

    private static SafeFileHandle? Open()
    {
        try
        {
            return OperatingSystem.IsLinux() ? File.OpenHandle("/dev/urandom", FileMode.Open, FileAccess.Read) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
