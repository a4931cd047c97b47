using System.Buffers;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Containers;

/// <summary>
/// The quoting PostgreSQL's container literals share (array_out, record_out, range_out, hstore_out): a value is
/// double-quoted when it is empty or contains a character the container's syntax uses; inside the quotes '"' and
/// '\' are backslash-escaped (array_out, hstore_out) or doubled (record_out, range_out), as the server writes them,
/// so our literals read exactly like PostgreSQL's own.
/// </summary>
internal sealed class TextSyntax
{
    private readonly bool[] _special = new bool[128];

    private TextSyntax(string specials, bool quoteNullWord, bool alwaysQuote, bool doubling)
    {
        foreach (var c in specials + "\"\\ \t\n\r\v\f") _special[c] = true;
        QuoteNullWord = quoteNullWord;
        AlwaysQuote = alwaysQuote;
        Doubling = doubling;
    }

    /// <summary>array_out: braces and the delimiter; an element spelled NULL is quoted so it stays a string.</summary>
    public static readonly TextSyntax Array = new("{},", quoteNullWord: true, alwaysQuote: false, doubling: false);
    public static readonly TextSyntax BoxArray = new("{};", quoteNullWord: true, alwaysQuote: false, doubling: false);
    public static readonly TextSyntax Record = new("(),", quoteNullWord: false, alwaysQuote: false, doubling: true);
    public static readonly TextSyntax Range = new("()[],", quoteNullWord: false, alwaysQuote: false, doubling: true);
    public static readonly TextSyntax Hstore = new("", quoteNullWord: false, alwaysQuote: true, doubling: false);

    public static TextSyntax ArrayFor(byte delimiter) => delimiter == (byte)';' ? BoxArray : Array;

    private bool QuoteNullWord { get; }
    private bool AlwaysQuote { get; }
    private bool Doubling { get; }

    public static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    public bool NeedsQuotes(ReadOnlySpan<byte> text)
    {
        if (AlwaysQuote || text.IsEmpty) return true;
        foreach (var b in text)
            if (b < 128 && _special[b]) return true;
        return QuoteNullWord && IsNullWord(text);
    }

    public static bool IsNullWord(ReadOnlySpan<byte> text) =>
        text.Length == 4 && (text[0] | 0x20) == 'n' && (text[1] | 0x20) == 'u' && (text[2] | 0x20) == 'l' && (text[3] | 0x20) == 'l';

    /// <summary>Quotes, if needed, the value a codec just wrote at <paramref name="start"/> in text format.</summary>
    public void QuoteWritten(WriteBuffer buffer, int start)
    {
        var written = buffer.WrittenSince(start);
        if (!NeedsQuotes(written)) return;
        var copy = ArrayPool<byte>.Shared.Rent(Math.Max(1, written.Length));
        var length = written.Length;
        written.CopyTo(copy);
        buffer.Rewind(start);
        WriteQuoted(buffer, copy.AsSpan(0, length), Doubling);
        ArrayPool<byte>.Shared.Return(copy);
    }

    public static void WriteQuoted(WriteBuffer buffer, ReadOnlySpan<byte> text, bool doubling = false)
    {
        buffer.WriteByte((byte)'"');
        while (true)
        {
            var i = text.IndexOfAny((byte)'"', (byte)'\\');
            if (i < 0) break;
            buffer.WriteBytes(text[..i]);
            buffer.WriteByte(doubling ? text[i] : (byte)'\\');
            buffer.WriteByte(text[i]);
            text = text[(i + 1)..];
        }
        buffer.WriteBytes(text);
        buffer.WriteByte((byte)'"');
    }
}

/// <summary>
/// Reads container literals: a cursor over the text and a scratch buffer that receives each value with its quotes
/// and escapes removed, so element codecs get plain bytes. Values are recorded as (start, length) in the scratch.
/// </summary>
internal ref struct TextScanner
{
    private readonly ReadOnlySpan<byte> _text;
    private readonly byte[] _scratch;
    private int _used;

    public TextScanner(ReadOnlySpan<byte> text)
    {
        _text = text;
        _scratch = ArrayPool<byte>.Shared.Rent(Math.Max(16, text.Length));
        Position = 0;
        _used = 0;
    }

    public int Position;

    /// <summary>The scratch array (rented): the caller returns it with <see cref="ReturnScratch"/>.</summary>
    public readonly byte[] Scratch => _scratch;

    public readonly bool AtEnd => Position >= _text.Length;
    public readonly byte Current => Position < _text.Length ? _text[Position] : (byte)0;
    public readonly ReadOnlySpan<byte> Text => _text;

    public void SkipSpaces()
    {
        while (Position < _text.Length && TextSyntax.IsSpace(_text[Position])) Position++;
    }

    public void Expect(byte b, string what)
    {
        if (Current != b) throw Malformed(what);
        Position++;
    }

    public readonly DataError Malformed(string what) =>
        new($"malformed {what} literal: {System.Text.Encoding.UTF8.GetString(_text)} (at position {Position})");

    /// <summary>
    /// Reads one value up to an unquoted, unescaped stop byte (not consumed). Quoted parts may contain anything;
    /// a backslash escapes the next byte; with <paramref name="doubledQuotes"/> "" inside quotes is a quote.
    /// Unquoted leading/trailing spaces are dropped when <paramref name="trimSpaces"/>.
    /// Returns (start, length) in the scratch and whether any part was quoted or escaped (so NULL stays a string).
    /// </summary>
    public (int Start, int Length, bool Literal) ReadValue(scoped ReadOnlySpan<byte> stops, bool trimSpaces, bool doubledQuotes)
    {
        var start = _used;
        var literal = false;
        var keepTo = _used;    // end of the value without trailing unquoted spaces
        if (trimSpaces) SkipSpaces();
        Span<byte> specials = stackalloc byte[stops.Length + 2];
        stops.CopyTo(specials);
        specials[^2] = (byte)'"';
        specials[^1] = (byte)'\\';
        while (Position < _text.Length)
        {
            // A run of plain bytes, copied at once.
            var rest = _text[Position..];
            var run = rest.IndexOfAny(specials);
            if (run < 0) run = rest.Length;
            if (run > 0)
            {
                var chunk = rest[..run];
                chunk.CopyTo(_scratch.AsSpan(_used));
                _used += run;
                Position += run;
                if (!trimSpaces) keepTo = _used;
                else
                {
                    var last = chunk.Length - 1;
                    while (last >= 0 && TextSyntax.IsSpace(chunk[last])) last--;
                    if (last >= 0) keepTo = _used - chunk.Length + last + 1;
                }
                continue;
            }
            var b = rest[0];
            if (b == (byte)'"')
            {
                literal = true;
                Position++;
                while (true)
                {
                    if (Position >= _text.Length) throw Malformed("quoted value");
                    var q = _text[Position++];
                    if (q == (byte)'\\')
                    {
                        if (Position >= _text.Length) throw Malformed("quoted value");
                        _scratch[_used++] = _text[Position++];
                    }
                    else if (q == (byte)'"')
                    {
                        if (doubledQuotes && Position < _text.Length && _text[Position] == (byte)'"') { _scratch[_used++] = q; Position++; }
                        else break;
                    }
                    else _scratch[_used++] = q;
                }
                keepTo = _used;
                continue;
            }
            if (b == (byte)'\\')
            {
                literal = true;
                Position++;
                if (Position >= _text.Length) throw Malformed("escaped value");
                _scratch[_used++] = _text[Position++];
                keepTo = _used;
                continue;
            }
            break;   // a stop byte
        }
        if (trimSpaces) _used = keepTo;
        return (start, _used - start, literal);
    }

    public readonly void ReturnScratch() => ArrayPool<byte>.Shared.Return(_scratch);
}
