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
/// Values are decoded from the buffered bytes on first access and kept.
/// </summary>
public sealed class Row : IReadOnlyList<object?>, IEquatable<Row>
{
    // A buffered row is (result, index); a streamed row owns a copy of its bytes. Either way the Row itself stays
    // small: FetchAll of a million rows makes a million of them.
    private readonly ResultSet? _result;
    private readonly int _index;
    private readonly OwnedRow? _own;
    private (int Start, int Length)[]? _ranges;
    private object?[]? _values;

    internal Row(ResultSet result, int index)
    {
        _result = result;
        _index = index;
    }

    /// <summary>A row that owns its bytes (streaming): independent of the receive buffer it was read from.</summary>
    internal Row(RowDescription shape, in ReadContext context, ReadOnlySpan<byte> dataRow)
    {
        _own = new OwnedRow(dataRow.ToArray(), shape, context);
    }

    private sealed class OwnedRow(byte[] data, RowDescription shape, ReadContext context)
    {
        public byte[] Data { get; } = data;
        public RowDescription Shape { get; } = shape;
        public ReadContext Context { get; } = context;
    }

    private RowDescription Shape => _result is not null ? _result.Description! : _own!.Shape;

    private ReadContext Context => _result is not null ? _result.Context : _own!.Context;

    private ReadOnlySpan<byte> Data => _own is not null ? _own.Data : _result!.RowData(_index);

    /// <summary>The column's codec: cached by the buffered result, looked up for a streamed row.</summary>
    private PgCodec? CodecAt(int ordinal) =>
        _result is not null ? _result.CodecAt(ordinal) : _own!.Context.Types.ForOid(_own.Shape.Fields[ordinal].TypeOid);

    public int Count => Shape.Count;

    /// <summary>The column names, in order.</summary>
    public IEnumerable<string> Keys => Shape.Fields.Select(f => f.Name);

    public object? this[int index] => Values()[index];

    public object? this[string column] => Values()[Ordinal(column)];

    private int Ordinal(string column)
    {
        var i = Shape.IndexOf(column);
        return i >= 0 ? i : throw new KeyNotFoundException($"no column named '{column}' in the row (columns: {string.Join(", ", Keys)})");
    }

    /// <summary>Reads a column as <typeparamref name="T"/> straight from the row's bytes, without boxing.</summary>
    public T Get<T>(int index)
    {
        var ranges = Ranges();
        if ((uint)index >= (uint)ranges.Length) throw new IndexOutOfRangeException($"column index {index} out of range: the row has {ranges.Length} columns");
        var (start, length) = ranges[index];
        var data = length > 0 ? Data.Slice(start, length) : default;
        return ColumnValue.Read<T>(data, length, Shape.Fields[index], CodecAt(index), Context);
    }

    public T Get<T>(string column) => Get<T>(Ordinal(column));

    public bool IsNull(int index) => Ranges()[index].Length < 0;

    private (int Start, int Length)[] Ranges()
    {
        if (_ranges is null)
        {
            var r = new (int, int)[Shape.Count];
            ResultSet.ColumnRanges(Data, r);
            _ranges = r;
        }
        return _ranges;
    }

    private object?[] Values()
    {
        if (_values is not null) return _values;
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
        return _values = values;
    }

    /// <summary>The values as an array (a copy).</summary>
    public object?[] ToArray() => (object?[])Values().Clone();

    /// <summary>The row as a column name → value dictionary.</summary>
    public Dictionary<string, object?> ToDictionary()
    {
        var d = new Dictionary<string, object?>(Count);
        var values = Values();
        for (var i = 0; i < values.Length; i++) d[Shape.Fields[i].Name] = values[i];
        return d;
    }

    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)Values()).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Deconstruct(out object? a, out object? b) { a = this[0]; b = this[1]; }
    public void Deconstruct(out object? a, out object? b, out object? c) { a = this[0]; b = this[1]; c = this[2]; }
    public void Deconstruct(out object? a, out object? b, out object? c, out object? d) { a = this[0]; b = this[1]; c = this[2]; d = this[3]; }
    public void Deconstruct(out object? a, out object? b, out object? c, out object? d, out object? e) { a = this[0]; b = this[1]; c = this[2]; d = this[3]; e = this[4]; }

    public bool Equals(Row? other)
    {
        if (other is null || other.Count != Count) return false;
        var mine = Values();
        var theirs = other.Values();
        for (var i = 0; i < mine.Length; i++)
            if (!ValueFormatter.ValuesEqual(mine[i], theirs[i])) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is Row r && Equals(r);

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
