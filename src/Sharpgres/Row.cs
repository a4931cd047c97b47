using System.Buffers.Binary;
using System.Collections;
using System.Text;
using Sharpgres.Protocol.Backend;
using Sharpgres.Results;
using Sharpgres.Types;

namespace Sharpgres;

/// <summary>
/// A result row as psycopg's default tuple row: indexed by ordinal or column name, deconstructible, compared by
/// value, printed like a Python tuple: <c>(1, 'Jane Lee', 'Rustmore', 'Rust programmer')</c>.
/// Values are decoded from the row's bytes on each access and not kept: a buffered result of millions of rows holds
/// its wire bytes and one small Row per row, not millions of boxed values the GC would have to promote and trace.
/// </summary>
public sealed class Row : IReadOnlyList<object?>, IEquatable<Row>
{
    // A buffered row is (result, index); a streamed row owns a copy of its bytes and shares the rest with the other
    // rows of its stream. Either way the Row itself stays small: FetchAll of a million rows makes a million of them.
    private readonly IRowSource _source;
    private readonly int _index;
    private readonly byte[]? _data;
    /// <summary>Rows wider than this keep their column offsets after the first access instead of walking to a column.</summary>
    private const int WalkedColumns = 8;
    private (int Start, int Length)[]? _ranges;

    internal Row(ResultSet result, int index)
    {
        _source = result;
        _index = index;
    }

    /// <summary>A row that owns its bytes (streaming): independent of the receive buffer it was read from.</summary>
    internal Row(StreamedRows stream, ReadOnlySpan<byte> dataRow)
    {
        _source = stream;
        _data = dataRow.ToArray();
    }

    internal RowDescription Shape => _source.Shape;

    private ReadContext Context => _source.Context;

    private ReadOnlySpan<byte> Data => _data is not null ? _data : _source.RowData(_index);

    private PgCodec? CodecAt(int ordinal) => _source.CodecAt(ordinal);

    /// <summary>The number of columns (psycopg: <c>len(row)</c>).</summary>
    public int Count => Shape.Count;

    /// <summary>The column names, in order.</summary>
    public IEnumerable<string> Keys => Shape.Fields.Select(f => f.Name);

    /// <summary>The value of column <paramref name="index"/> (0-based), decoded to its default .NET type (<c>docs/types.md</c>); null for SQL NULL.</summary>
    public object? this[int index]
    {
        get
        {
            var data = Data;   // found once per access: the buffered row's bytes are a lookup in its result
            var (start, length) = RangeOf(index, data);
            return ColumnValue.ReadObject(length > 0 ? data.Slice(start, length) : default, length, Shape.Fields[index], CodecAt(index), Context);
        }
    }

    /// <summary>The value of the column named <paramref name="column"/> (the first one when names repeat), decoded to its default .NET type; null for SQL NULL.</summary>
    public object? this[string column] => this[Ordinal(column)];

    private int Ordinal(string column)
    {
        var i = Shape.IndexOf(column);
        return i >= 0 ? i : throw new KeyNotFoundException($"no column named '{column}' in the row (columns: {string.Join(", ", Keys)})");
    }

    /// <summary>Reads a column as <typeparamref name="T"/> straight from the row's bytes, without boxing.</summary>
    public T Get<T>(int index)
    {
        var row = Data;
        var (start, length) = RangeOf(index, row);
        var data = length > 0 ? row.Slice(start, length) : default;
        return ColumnValue.Read<T>(data, length, Shape.Fields[index], CodecAt(index), Context);
    }

    /// <summary>Reads the column named <paramref name="column"/> as <typeparamref name="T"/> straight from the row's bytes, without boxing.</summary>
    public T Get<T>(string column) => Get<T>(Ordinal(column));

    /// <summary>Whether column <paramref name="index"/> is SQL NULL, without decoding it.</summary>
    public bool IsNull(int index) => RangeOf(index, Data).Length < 0;

    /// <summary>Where a column's bytes are in the DataRow: walked to for narrow rows, cached for wide ones.</summary>
    private (int Start, int Length) RangeOf(int index, ReadOnlySpan<byte> data)
    {
        var count = Shape.Count;
        if ((uint)index >= (uint)count) throw new IndexOutOfRangeException($"column index {index} out of range: the row has {count} columns");
        if (_ranges is { } ranges) return ranges[index];
        if (count > WalkedColumns)
        {
            ranges = new (int, int)[count];
            ResultSet.ColumnRanges(data, ranges);
            _ranges = ranges;
            return ranges[index];
        }
        // Int16 count, then Int32 length and bytes per column.
        var position = 2;
        for (var i = 0; ; i++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(data[position..]);
            position += 4;
            if (i == index) return (position, length);
            if (length > 0) position += length;
        }
    }

    /// <summary>Every value, decoded now (a new array each call).</summary>
    private object?[] Values()
    {
        // Walks the DataRow once (Int16 count, then Int32 length and bytes per column): no ranges array needed.
        var data = Data;
        var fields = Shape.Fields;
        var values = new object?[fields.Length];
        var context = Context;
        var position = 2;
        for (var i = 0; i < values.Length; i++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(data[position..]);
            position += 4;
            values[i] = ColumnValue.ReadObject(length > 0 ? data.Slice(position, length) : default, length, fields[i], CodecAt(i), context);
            if (length > 0) position += length;
        }
        return values;
    }

    /// <summary>The values as an array (a new one each call).</summary>
    public object?[] ToArray() => Values();

    /// <summary>The row as a column name → value dictionary.</summary>
    public Dictionary<string, object?> ToDictionary()
    {
        var d = new Dictionary<string, object?>(Count);
        var values = Values();
        for (var i = 0; i < values.Length; i++) d[Shape.Fields[i].Name] = values[i];
        return d;
    }

    /// <summary>The column values in order, decoded (psycopg: iterating a tuple row).</summary>
    public IEnumerator<object?> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Tuple-style unpacking of a two-column row: <c>var (id, name) = row;</c>.</summary>
    public void Deconstruct(out object? a, out object? b) { a = this[0]; b = this[1]; }
    /// <summary>Tuple-style unpacking of a three-column row.</summary>
    public void Deconstruct(out object? a, out object? b, out object? c) { a = this[0]; b = this[1]; c = this[2]; }
    /// <summary>Tuple-style unpacking of a four-column row.</summary>
    public void Deconstruct(out object? a, out object? b, out object? c, out object? d) { a = this[0]; b = this[1]; c = this[2]; d = this[3]; }
    /// <summary>Tuple-style unpacking of a five-column row.</summary>
    public void Deconstruct(out object? a, out object? b, out object? c, out object? d, out object? e) { a = this[0]; b = this[1]; c = this[2]; d = this[3]; e = this[4]; }

    /// <summary>Value equality, as Python tuples compare: same number of columns and equal values (arrays compared element by element).</summary>
    public bool Equals(Row? other)
    {
        if (other is null || other.Count != Count) return false;
        var mine = Values();
        var theirs = other.Values();
        for (var i = 0; i < mine.Length; i++)
            if (!ValueFormatter.ValuesEqual(mine[i], theirs[i])) return false;
        return true;
    }

    /// <summary>Value equality with another <see cref="Row"/>, as <see cref="Equals(Row?)"/>.</summary>
    public override bool Equals(object? obj) => obj is Row r && Equals(r);

    /// <summary>A hash of the column values, consistent with <see cref="Equals(Row?)"/>.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var v in Values()) hash.Add(v is null or IEnumerable and not string ? 0 : v.GetHashCode());
        return hash.ToHashCode();
    }

    /// <summary>Python's tuple repr: <c>(1, 'Jane Lee', None)</c>; a one-column row is <c>(5,)</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("(");
        var values = Values();
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            ValueFormatter.AppendRepr(sb, values[i]);
        }
        if (values.Length == 1) sb.Append(',');
        return sb.Append(')').ToString();
    }
}
