using System.Buffers;
using System.Buffers.Binary;
using Sharpgres.Protocol.Backend;
using Sharpgres.Results;

namespace Sharpgres.Types.Containers;

/// <summary>
/// One array value taken apart: its dimensions and where each element's bytes are. Binary elements point into the
/// received bytes; text elements into a scratch copy with quotes and escapes removed. Lower bounds are dropped:
/// arrays read zero-based whatever their PostgreSQL bounds ('[2:3]={1,2}' reads as {1, 2}).
/// Elements are consumed in order (row-major) by <see cref="ReadNext{E}"/>.
/// </summary>
internal ref struct ArrayContent
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly (int Start, int Length)[] _elements;
    private readonly byte[]? _scratch;
    private int _next;

    private ArrayContent(ReadOnlySpan<byte> data, (int, int)[] elements, int count, int[] lengths, FieldDescription field, bool hasNulls, byte[]? scratch)
    {
        _data = data;
        _elements = elements;
        Count = count;
        Lengths = lengths;
        Field = field;
        HasNulls = hasNulls;
        _scratch = scratch;
        _next = 0;
    }

    /// <summary>The length of each dimension; empty for an empty array.</summary>
    public int[] Lengths { get; }
    public int Rank => Lengths.Length;
    public int Count { get; }
    public bool HasNulls { get; }

    /// <summary>Stands for an element in the typed read path (type OID and format of every element).</summary>
    public FieldDescription Field { get; }

    public uint ElementOid => Field.TypeOid;

    public E ReadNext<E>(in ReadContext context)
    {
        if (_next >= Count) throw new DataError("array has fewer elements than its dimensions say");
        var (start, length) = _elements[_next++];
        if (length < 0)
        {
            if (default(E) is null) return default!;
            throw new InvalidCastException($"the array contains NULL elements: read it with a nullable element type ({typeof(E).Name}?)");
        }
        return ColumnValue.Read<E>(_data.Slice(start, length), length, Field, context);
    }

    public readonly void Dispose()
    {
        if (_elements.Length > 0) ArrayPool<(int, int)>.Shared.Return(_elements);
        if (_scratch is not null) ArrayPool<byte>.Shared.Return(_scratch);
    }

    /// <summary>array_send: ndim, has-null flag, element OID, (length, lower bound) per dimension, then each element.</summary>
    public static ArrayContent ParseBinary(ReadOnlySpan<byte> data)
    {
        if (data.Length < 12) throw new DataError("binary array value too short");
        var ndim = BinaryPrimitives.ReadInt32BigEndian(data);
        var elementOid = BinaryPrimitives.ReadUInt32BigEndian(data[8..]);
        if (ndim < 0 || ndim > 6 || data.Length < 12 + 8 * ndim) throw new DataError($"invalid binary array header ({ndim} dimensions)");
        var lengths = new int[ndim];
        var count = ndim == 0 ? 0 : 1;
        for (var d = 0; d < ndim; d++)
        {
            lengths[d] = BinaryPrimitives.ReadInt32BigEndian(data[(12 + 8 * d)..]);
            count = checked(count * lengths[d]);
        }
        if (count == 0) lengths = [];
        var elements = count == 0 ? [] : ArrayPool<(int, int)>.Shared.Rent(count);
        var position = 12 + 8 * ndim;
        var hasNulls = false;
        for (var i = 0; i < count; i++)
        {
            if (position + 4 > data.Length) throw new DataError("binary array value truncated");
            var length = BinaryPrimitives.ReadInt32BigEndian(data[position..]);
            position += 4;
            if (length < 0) { hasNulls = true; elements[i] = (0, -1); continue; }
            if (position + length > data.Length) throw new DataError("binary array value truncated");
            elements[i] = (position, length);
            position += length;
        }
        return new ArrayContent(data, elements, count, lengths, ElementFields.For(elementOid, PgFormat.Binary), hasNulls, null);
    }

    /// <summary>
    /// array_out's syntax: optional '[lo:hi]...=' decoration, nested braces, elements separated by the delimiter,
    /// quoted with '"' and '\' escapes when needed, NULL unquoted for a null element.
    /// </summary>
    public static ArrayContent ParseText(ReadOnlySpan<byte> text, uint elementOid, byte delimiter)
    {
        var scanner = new TextScanner(text);
        var elements = ArrayPool<(int, int)>.Shared.Rent(Math.Min(64, text.Length / 2 + 1));
        var count = 0;
        var hasNulls = false;
        try
        {
            scanner.SkipSpaces();
            if (scanner.Current == (byte)'[')
            {
                // Dimension decoration: the bounds are dropped (zero-based reads), the braces give the lengths.
                while (scanner.Current != (byte)'=' && !scanner.AtEnd) scanner.Position++;
                scanner.Expect((byte)'=', "array");
                scanner.SkipSpaces();
            }
            if (scanner.Current != (byte)'{') throw scanner.Malformed("array");
            Span<byte> stops = [delimiter, (byte)'}'];
            var lengths = new List<int>();
            Span<int> counts = stackalloc int[7];
            var depth = 0;
            var expectValue = false;
            while (true)
            {
                scanner.SkipSpaces();
                if (scanner.AtEnd) throw scanner.Malformed("array");
                var b = scanner.Current;
                if (b == (byte)'{')
                {
                    if (depth == 6) throw scanner.Malformed("array (more than 6 dimensions)");
                    scanner.Position++;
                    if (depth == lengths.Count) lengths.Add(-1);
                    counts[depth++] = 0;
                    expectValue = false;
                    continue;
                }
                if (b == (byte)'}')
                {
                    scanner.Position++;
                    var n = counts[--depth];
                    if (lengths[depth] == -1) lengths[depth] = n;
                    else if (lengths[depth] != n) throw scanner.Malformed("array (sub-arrays of different lengths)");
                    if (depth == 0) break;
                    counts[depth - 1]++;
                    expectValue = false;
                    continue;
                }
                if (b == delimiter)
                {
                    if (expectValue) throw scanner.Malformed("array");
                    scanner.Position++;
                    expectValue = true;
                    continue;
                }
                if (depth != lengths.Count) throw scanner.Malformed("array (an element next to a sub-array)");
                var (start, length, literal) = scanner.ReadValue(stops, trimSpaces: true, doubledQuotes: false);
                if (count == elements.Length)
                {
                    var bigger = ArrayPool<(int, int)>.Shared.Rent(count * 2);
                    elements.AsSpan(0, count).CopyTo(bigger);
                    ArrayPool<(int, int)>.Shared.Return(elements);
                    elements = bigger;
                }
                if (!literal && TextSyntax.IsNullWord(scanner.Scratch.AsSpan(start, length)))
                {
                    elements[count++] = (0, -1);
                    hasNulls = true;
                }
                else elements[count++] = (start, length);
                counts[depth - 1]++;
                expectValue = false;
            }
            scanner.SkipSpaces();
            if (!scanner.AtEnd) throw scanner.Malformed("array");
            var dims = lengths.Contains(0) || count == 0 ? [] : lengths.ToArray();
            return new ArrayContent(scanner.Scratch, elements, count, dims, ElementFields.For(elementOid, PgFormat.Text), hasNulls, scanner.Scratch);
        }
        catch
        {
            ArrayPool<(int, int)>.Shared.Return(elements);
            scanner.ReturnScratch();
            throw;
        }
    }
}

/// <summary>The stand-in FieldDescription an element, bound or field is decoded with (one per OID and format).</summary>
internal static class ElementFields
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(uint, PgFormat), FieldDescription> Cache = new();

    public static FieldDescription For(uint oid, PgFormat format) =>
        Cache.GetOrAdd((oid, format), static k => new FieldDescription("element", 0, 0, k.Item1, -1, -1, (short)k.Item2));
}
