using System.Text;

namespace ClassroomGuard.Dns.Lists;

/// <summary>
/// Reads list files into a <see cref="DomainTableBuilder"/>. Files are read whole and scanned as bytes (lists are
/// ASCII; a non-ASCII byte makes its line invalid — internationalised names appear in lists as punycode).
/// Never throws for content; an unreadable file throws <see cref="IOException"/> for the caller to report.
/// </summary>
public static class ListLoader
{
    /// <summary>The UTF-8 byte-order mark, skipped at the start of a list.</summary>
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Loads one file in <paramref name="format"/> (not <see cref="ListFormat.Ut1"/>), giving each name <paramref name="value"/>.</summary>
    public static ListLoadStatistics LoadFile(string path, ListFormat format, ulong value, DomainSetBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (format == ListFormat.Ut1)
        {
            throw new ArgumentException("A UT1 source is a directory: use Ut1Loader.", nameof(format));
        }

        // In 1 MiB pieces, whole lines each: UT1's adult list is ~100 MB, which must not sit in memory beside the table.
        var stats = new ListLoadStatistics();
        var buffer = new byte[1024 * 1024];
        var held = 0;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var first = true;
        while (true)
        {
            var read = stream.Read(buffer, held, buffer.Length - held);
            held += read;
            if (first && (held >= Bom.Length || read == 0))
            {
                first = false;
                if (buffer.AsSpan(0, held).StartsWith(Bom))
                {
                    held -= Bom.Length; // a UTF-8 byte-order mark (Windows editors write one) is not part of the first name
                    buffer.AsSpan(Bom.Length, held).CopyTo(buffer);
                    if (read != 0)
                    {
                        continue;
                    }
                }
            }

            if (read == 0)
            {
                LoadLines(buffer.AsSpan(0, held), format, value, builder, stats);
                return stats;
            }

            var lastNewline = buffer.AsSpan(0, held).LastIndexOf((byte)'\n');
            if (lastNewline < 0)
            {
                if (held == buffer.Length)
                {
                    stats.Lines++;
                    stats.TooLong++; // a megabyte without a line break: skip to the next one
                    held = SkipToNextLine(stream, buffer);
                }

                continue;
            }

            LoadLines(buffer.AsSpan(0, lastNewline + 1), format, value, builder, stats);
            held -= lastNewline + 1;
            buffer.AsSpan(lastNewline + 1, held).CopyTo(buffer);
        }
    }

    private static int SkipToNextLine(FileStream stream, byte[] buffer)
    {
        while (true)
        {
            var read = stream.Read(buffer, 0, buffer.Length);
            if (read == 0)
            {
                return 0;
            }

            var newline = buffer.AsSpan(0, read).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var rest = read - newline - 1;
                buffer.AsSpan(newline + 1, rest).CopyTo(buffer);
                return rest;
            }
        }
    }

    /// <summary>Loads list content already in memory.</summary>
    public static ListLoadStatistics LoadText(ReadOnlySpan<byte> content, ListFormat format, ulong value, DomainSetBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (format == ListFormat.Ut1)
        {
            throw new ArgumentException("A UT1 source is a directory: use Ut1Loader.", nameof(format));
        }

        var stats = new ListLoadStatistics();
        LoadLines(content.StartsWith(Bom) ? content[Bom.Length..] : content, format, value, builder, stats);
        return stats;
    }

    private static void LoadLines(ReadOnlySpan<byte> content, ListFormat format, ulong value, DomainSetBuilder builder, ListLoadStatistics stats)
    {
        Span<char> chars = stackalloc char[1024];
        Span<byte> wire = stackalloc byte[256];
        while (!content.IsEmpty)
        {
            var newline = content.IndexOf((byte)'\n');
            var line = newline < 0 ? content : content[..newline];
            content = newline < 0 ? [] : content[(newline + 1)..];
            stats.Lines++;
            if (line.Length > chars.Length)
            {
                stats.TooLong++;
                continue;
            }

            var text = chars[..line.Length];
            for (var i = 0; i < line.Length; i++)
            {
                text[i] = (char)line[i];
            }

            ParseLine(text, format, value, builder, stats, wire);
        }
    }

    private static void ParseLine(ReadOnlySpan<char> line, ListFormat format, ulong value, DomainSetBuilder builder, ListLoadStatistics stats, Span<byte> wire)
    {
        line = line.Trim();
        if (format == ListFormat.AdBlock && (line.StartsWith("##") || line.StartsWith("#@#") || line.StartsWith("#?#")))
        {
            stats.UnsupportedRules++; // cosmetic filters
            return;
        }

        if (line.IsEmpty || line[0] == '#' || (format == ListFormat.AdBlock && (line[0] == '!' || line[0] == '[')))
        {
            stats.Comments++;
            return;
        }

        switch (format)
        {
            case ListFormat.Hosts:
                {
                    var hash = line.IndexOf('#');
                    if (hash >= 0)
                    {
                        line = line[..hash].TrimEnd();
                    }

                    var space = line.IndexOfAny(' ', '\t');
                    if (space < 0)
                    {
                        stats.Invalid++; // an address or a name alone is not a hosts entry
                        return;
                    }

                    var rest = line[(space + 1)..].Trim();
                    var any = false;
                    while (!rest.IsEmpty)
                    {
                        var next = rest.IndexOfAny(' ', '\t');
                        var name = next < 0 ? rest : rest[..next];
                        rest = next < 0 ? [] : rest[(next + 1)..].TrimStart();
                        if (IsLocalHostName(name))
                        {
                            continue; // the hosts-file boilerplate: localhost, broadcasthost, ip6-…
                        }

                        any |= Add(name, value, builder, stats, wire);
                    }

                    if (!any && line.Length > 0)
                    {
                        stats.Comments++; // only boilerplate names on the line
                    }

                    break;
                }

            case ListFormat.AdBlock:
                {
                    // ||example.org^ (optionally ^$third-party etc. would restrict it: those are skipped, not widened).
                    if (!line.StartsWith("||") || !line.EndsWith('^'))
                    {
                        stats.UnsupportedRules++;
                        return;
                    }

                    var name = line[2..^1];
                    if (name.IndexOfAny('/', '*', '$') >= 0)
                    {
                        stats.UnsupportedRules++;
                        return;
                    }

                    Add(name, value, builder, stats, wire);
                    break;
                }

            default:
                {
                    var hash = line.IndexOf('#');
                    if (hash >= 0)
                    {
                        line = line[..hash].TrimEnd();
                    }

                    Add(line, value, builder, stats, wire);
                    break;
                }
        }
    }

    private static bool Add(ReadOnlySpan<char> name, ulong value, DomainSetBuilder builder, ListLoadStatistics stats, Span<byte> wire)
    {
        switch (DomainText.Normalize(name, wire, out var length))
        {
            case DomainTextResult.Ok:
                builder.AddWire(wire[..length], value);
                stats.Names++;
                return true;
            case DomainTextResult.Address:
                stats.Addresses++;
                return false;
            case DomainTextResult.TooLong:
                stats.TooLong++;
                return false;
            default:
                stats.Invalid++;
                return false;
        }
    }

    // ASCII-only case folding, the rule for names everywhere (RFC 4343, docs/dns.md): OrdinalIgnoreCase also folds
    // non-ASCII letters. (Such entries are rejected as invalid later anyway; this keeps one rule.)
    private static bool IsLocalHostName(ReadOnlySpan<char> name)
        => Ascii.EqualsIgnoreCase(name, "localhost")
            || Ascii.EqualsIgnoreCase(name, "localhost.localdomain")
            || Ascii.EqualsIgnoreCase(name, "broadcasthost")
            || Ascii.EqualsIgnoreCase(name, "local")
            || (name.Length >= 4 && Ascii.EqualsIgnoreCase(name[..4], "ip6-"));
}
