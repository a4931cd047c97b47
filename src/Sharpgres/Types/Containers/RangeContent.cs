using System.Buffers.Binary;
using Sharpgres.Protocol.Backend;
using Sharpgres.Results;

namespace Sharpgres.Types.Containers;

/// <summary>
/// One range value taken apart: its flags and where the bounds' bytes are (in the received bytes for binary, in a
/// scratch copy without quotes and escapes for text). <see cref="Build{X}"/> reads the bounds as X.
/// </summary>
internal readonly ref struct RangeContent
{
    private const byte Empty = 1, LowerInclusive = 2, UpperInclusive = 4, LowerInfinite = 8, UpperInfinite = 16;

    private readonly ReadOnlySpan<byte> _data;
    private readonly (int Start, int Length) _lower, _upper;
    private readonly byte _flags;

    private RangeContent(ReadOnlySpan<byte> data, byte flags, (int, int) lower, (int, int) upper)
    {
        _data = data;
        _flags = flags;
        _lower = lower;
        _upper = upper;
    }

    public PgRange<X> Build<X>(FieldDescription bound, in ReadContext context) =>
        PgRange<X>.FromWire(_flags,
            (_flags & (Empty | LowerInfinite)) == 0 ? ReadBound<X>(_lower, bound, context) : default!,
            (_flags & (Empty | UpperInfinite)) == 0 ? ReadBound<X>(_upper, bound, context) : default!);

    private X ReadBound<X>((int Start, int Length) at, FieldDescription bound, in ReadContext context) =>
        ColumnValue.Read<X>(_data.Slice(at.Start, at.Length), at.Length, bound, context);

    /// <summary>range_send: flags byte, then (length, bytes) of each finite bound.</summary>
    public static RangeContent ParseBinary(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) throw new DataError("binary range value too short");
        var flags = data[0];
        var position = 1;
        (int, int) lower = default, upper = default;
        if ((flags & (Empty | LowerInfinite)) == 0) lower = Bound(data, ref position);
        if ((flags & (Empty | UpperInfinite)) == 0) upper = Bound(data, ref position);
        return new RangeContent(data, flags, lower, upper);
    }

    private static (int, int) Bound(ReadOnlySpan<byte> data, ref int position)
    {
        if (position + 4 > data.Length) throw new DataError("binary range value truncated");
        var length = BinaryPrimitives.ReadInt32BigEndian(data[position..]);
        position += 4;
        if (length < 0 || position + length > data.Length) throw new DataError("binary range value truncated");
        var bound = (position, length);
        position += length;
        return bound;
    }

    /// <summary>
    /// range_out's syntax: 'empty', or '[' / '(' lower ',' upper ']' / ')' with an omitted bound infinite and bounds
    /// quoted when needed. The scanner's scratch receives the bounds; the caller returns it.
    /// </summary>
    public static RangeContent ParseText(ref TextScanner scanner)
    {
        scanner.SkipSpaces();
        var open = scanner.Current;
        if (open is (byte)'e' or (byte)'E')
        {
            var rest = scanner.Text[scanner.Position..];
            if (rest.Length < 5 || !System.Text.Ascii.EqualsIgnoreCase(rest[..5], "empty"u8)) throw scanner.Malformed("range");
            scanner.Position += 5;
            return new RangeContent(scanner.Scratch, Empty, default, default);
        }
        if (open is not ((byte)'[' or (byte)'(')) throw scanner.Malformed("range");
        scanner.Position++;
        byte flags = open == (byte)'[' ? LowerInclusive : (byte)0;
        var (lowerStart, lowerLength, lowerQuoted) = scanner.ReadValue([(byte)','], trimSpaces: false, doubledQuotes: true);
        scanner.Expect((byte)',', "range");
        var (upperStart, upperLength, upperQuoted) = scanner.ReadValue([(byte)']', (byte)')'], trimSpaces: false, doubledQuotes: true);
        var close = scanner.Current;
        if (close is not ((byte)']' or (byte)')')) throw scanner.Malformed("range");
        scanner.Position++;
        if (close == (byte)']') flags |= UpperInclusive;
        if (lowerLength == 0 && !lowerQuoted) flags = (byte)((flags & ~LowerInclusive) | LowerInfinite);
        if (upperLength == 0 && !upperQuoted) flags = (byte)((flags & ~UpperInclusive) | UpperInfinite);
        return new RangeContent(scanner.Scratch, flags, (lowerStart, lowerLength), (upperStart, upperLength));
    }
}
