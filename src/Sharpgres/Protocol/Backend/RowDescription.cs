using System.Text;

namespace Sharpgres.Protocol.Backend;

/// <summary>One field of a RowDescription.</summary>
internal sealed record FieldDescription(string Name, uint TableOid, short ColumnNumber, uint TypeOid, short TypeSize, int TypeModifier, short FormatCode);

/// <summary>
/// RowDescription: the shape of a result. Immutable and shared: cached with prepared statements and per query text,
/// and used as the key of typed row mappers.
/// </summary>
internal sealed class RowDescription
{
    public RowDescription(FieldDescription[] fields)
    {
        Fields = fields;
        _ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Length; i++) _ordinals.TryAdd(fields[i].Name, i);
    }

    private readonly Dictionary<string, int> _ordinals;
    private Dictionary<string, int>? _ordinalsIgnoreCase;

    /// <summary>
    /// Checks a DataRow against this description before it is kept: the column count must match and the value lengths
    /// must add up to the message exactly. A server that disagrees with itself is out of step: InterfaceError, and
    /// the caller breaks the session, instead of decoding one value from another's bytes later.
    /// </summary>
    public void CheckRow(ReadOnlySpan<byte> dataRow)
    {
        if (RowProblem(dataRow) is { } problem) throw new InterfaceError($"malformed DataRow from the server: {problem}");
    }

    /// <summary>The check of <see cref="CheckRow"/> without the error: the streaming fast path's test.</summary>
    public bool IsWellFormedRow(ReadOnlySpan<byte> dataRow) => RowProblem(dataRow) is null;

    /// <summary>What is wrong with a DataRow body, or null when it matches this description (no text made then).</summary>
    private string? RowProblem(ReadOnlySpan<byte> dataRow)
    {
        if (dataRow.Length < 2) return "no column count";
        var columns = System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(dataRow);
        if (columns != Fields.Length) return $"{columns} columns, but the RowDescription has {Fields.Length}";
        var at = 2;
        for (var i = 0; i < columns; i++)
        {
            if (dataRow.Length - at < 4) return $"column {i} has no length";
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(dataRow[at..]);
            at += 4;
            if (length == -1) continue;
            if (length < 0 || length > dataRow.Length - at) return $"column {i} claims {length} bytes, {dataRow.Length - at} remain";
            at += length;
        }
        return at == dataRow.Length ? null : $"{dataRow.Length - at} bytes after the last column";
    }

    public FieldDescription[] Fields { get; }

    /// <summary>The Bind result formats for this shape under one registry (see ResultFormats.PerColumn).</summary>
    internal sealed record FormatCache(Types.TypeRegistry Types, short[] Formats);
    internal FormatCache? CachedFormats { get; set; }
    /// <summary>The RowMapper&lt;T&gt; last used with this description (one slot: any T).</summary>
    internal object? CachedMapper { get; set; }

    private string? _shapeKey;

    /// <summary>Column names and type OIDs: what a typed mapper depends on.</summary>
    public string ShapeKey => _shapeKey ??= string.Join("\u0001", Fields.Select(f => f.Name + "\u0002" + f.TypeOid));
    public int Count => Fields.Length;

    /// <summary>Ordinal of a column by name: exact match first, then case-insensitive; -1 when absent.</summary>
    public int IndexOf(string name)
    {
        if (_ordinals.TryGetValue(name, out var i)) return i;
        if (_ordinalsIgnoreCase is null)
        {
            var d = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var k = 0; k < Fields.Length; k++) d.TryAdd(Fields[k].Name, k);
            _ordinalsIgnoreCase = d;
        }
        return _ordinalsIgnoreCase.TryGetValue(name, out i) ? i : -1;
    }

    public static RowDescription Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SpanReader(payload);
        var count = reader.ReadInt16();
        var fields = new FieldDescription[count];
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadCString();
            fields[i] = new FieldDescription(name, reader.ReadUInt32(), reader.ReadInt16(), reader.ReadUInt32(),
                reader.ReadInt16(), reader.ReadInt32(), reader.ReadInt16());
        }
        return new RowDescription(fields);
    }

    /// <summary>Same columns and types (formats aside): a cached description still describes this result.</summary>
    public bool SameShape(RowDescription other)
    {
        if (other.Fields.Length != Fields.Length) return false;
        for (var i = 0; i < Fields.Length; i++)
            if (other.Fields[i].TypeOid != Fields[i].TypeOid || other.Fields[i].Name != Fields[i].Name) return false;
        return true;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var f in Fields) sb.Append(f.Name).Append(':').Append(f.TypeOid).Append(' ');
        return sb.ToString();
    }
}
