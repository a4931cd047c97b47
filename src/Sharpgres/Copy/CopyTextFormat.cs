using System.Buffers;
using System.Buffers.Binary;
using Sharpgres.Protocol;
using Sharpgres.Types;

namespace Sharpgres;

/// <summary>
/// COPY's text format (https://www.postgresql.org/docs/current/sql-copy.html, "Text Format"): one line per row,
/// columns separated by tabs, <c>\N</c> for NULL, and backslash escapes for backslash, tab, newline and carriage
/// return inside values. Values are written and read with the type codecs' text forms.
/// </summary>
internal static class CopyTextFormat
{
    private static readonly SearchValues<byte> MustEscape = SearchValues.Create("\\\t\n\r"u8);

    public static void WriteRow(WriteBuffer w, object?[] values, CopyColumnCodecs codecs, in ReadContext context)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0) w.WriteByte((byte)'\t');
            var value = values[i];
            if (value is null or DBNull) { w.WriteByte((byte)'\\'); w.WriteByte((byte)'N'); continue; }
            var start = w.Position;
            if (value is string s)
            {
                // The server parses text into the column's type: a string goes as it is, whatever the column.
                if (s.Contains('\0')) throw new DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes");
                w.WriteUtf8(s);
            }
            else
            {
                var codec = codecs.For(i, value, out var asIs);
                codec.WriteObject(w, asIs ? value : CopyValues.Convert(value, codec), PgFormat.Text, context);
                // Numbers and timestamps never hold a tab, newline or backslash: only other types' text is scanned.
                if (value is int or long or short or double or float or decimal or DateTime or DateTimeOffset) continue;
            }
            Escape(w, start);
        }
        w.WriteByte((byte)'\n');
    }

    /// <summary>Rewrites the value written since <paramref name="start"/> with COPY's escapes, when it needs any.</summary>
    private static void Escape(WriteBuffer w, int start)
    {
        var written = w.WrittenSince(start);
        var first = written.IndexOfAny(MustEscape);
        if (first < 0) return;
        var raw = written[first..].ToArray();
        w.Truncate(start + first);
        foreach (var b in raw)
        {
            switch (b)
            {
                case (byte)'\\': w.WriteByte((byte)'\\'); w.WriteByte((byte)'\\'); break;
                case (byte)'\t': w.WriteByte((byte)'\\'); w.WriteByte((byte)'t'); break;
                case (byte)'\n': w.WriteByte((byte)'\\'); w.WriteByte((byte)'n'); break;
                case (byte)'\r': w.WriteByte((byte)'\\'); w.WriteByte((byte)'r'); break;
                default: w.WriteByte(b); break;
            }
        }
    }

    /// <summary>
    /// Turns one text line (a CopyData from the server) into the layout of a DataRow body — Int16 count, then
    /// (Int32 length or -1, bytes) per column — in <paramref name="scratch"/>, so rows decode like query results.
    /// </summary>
    public static ReadOnlyMemory<byte> ToDataRow(ReadOnlySpan<byte> line, ref byte[] scratch)
    {
        if (line.Length > 0 && line[^1] == (byte)'\n') line = line[..^1];
        var needed = line.Length + 2 + 4 * (line.Count((byte)'\t') + 1);
        if (scratch.Length < needed) scratch = new byte[Math.Max(needed, scratch.Length * 2)];
        var output = scratch.AsSpan();
        var position = 2;
        short count = 0;
        var i = 0;
        while (true)
        {
            count++;
            var lengthAt = position;
            position += 4;
            var end = line[i..].IndexOf((byte)'\t');
            var field = end < 0 ? line[i..] : line.Slice(i, end);
            if (field is [(byte)'\\', (byte)'N'])
            {
                BinaryPrimitives.WriteInt32BigEndian(output[lengthAt..], -1);
            }
            else
            {
                var written = Unescape(field, output[position..]);
                BinaryPrimitives.WriteInt32BigEndian(output[lengthAt..], written);
                position += written;
            }
            if (end < 0) break;
            i += end + 1;
        }
        BinaryPrimitives.WriteInt16BigEndian(output, count);
        return scratch.AsMemory(0, position);
    }

    private static int Unescape(ReadOnlySpan<byte> field, Span<byte> output)
    {
        var n = 0;
        for (var i = 0; i < field.Length; i++)
        {
            var b = field[i];
            if (b != (byte)'\\' || i + 1 == field.Length) { output[n++] = b; continue; }
            var c = field[++i];
            switch (c)
            {
                case (byte)'b': output[n++] = 8; break;
                case (byte)'f': output[n++] = 12; break;
                case (byte)'n': output[n++] = 10; break;
                case (byte)'r': output[n++] = 13; break;
                case (byte)'t': output[n++] = 9; break;
                case (byte)'v': output[n++] = 11; break;
                case >= (byte)'0' and <= (byte)'7':
                {
                    var value = c - '0';
                    for (var k = 0; k < 2 && i + 1 < field.Length && field[i + 1] is >= (byte)'0' and <= (byte)'7'; k++)
                        value = value * 8 + (field[++i] - '0');
                    output[n++] = (byte)value;
                    break;
                }
                case (byte)'x' when i + 1 < field.Length && IsHex(field[i + 1]):
                {
                    var value = HexValue(field[++i]);
                    if (i + 1 < field.Length && IsHex(field[i + 1])) value = value * 16 + HexValue(field[++i]);
                    output[n++] = (byte)value;
                    break;
                }
                default: output[n++] = c; break;   // any other character stands for itself
            }
        }
        return n;
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';
    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
