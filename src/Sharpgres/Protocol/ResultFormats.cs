using Sharpgres.Protocol.Backend;
using Sharpgres.Types;

namespace Sharpgres.Protocol;

/// <summary>
/// The result-column format codes a Bind asks for: text for every column, binary for every column, or one code per
/// column (binary where the column's type has a binary codec). Per-column codes are only safe when the column count
/// cannot differ from the cached shape, i.e. for a prepared statement (a changed result type fails as a stale plan
/// before the formats are checked, and is re-prepared); a mismatch would otherwise be a protocol error.
/// </summary>
internal static class ResultFormats
{
    public static readonly short[] AllText = [0];
    public static readonly short[] AllBinary = [1];

    /// <summary>Binary for every column when all of them have a binary codec, else text for all.</summary>
    public static short[] Uniform(RowDescription? shape, TypeRegistry types)
    {
        if (shape is null) return AllText;
        foreach (var f in shape.Fields)
            if (types.ForOid(f.TypeOid) is not { CanReadBinary: true }) return AllText;
        return AllBinary;
    }

    /// <summary>Binary for each column that has a binary codec, text for the others; cached on the description.</summary>
    public static short[] PerColumn(RowDescription shape, TypeRegistry types)
    {
        if (shape.CachedFormats is { } cached && ReferenceEquals(cached.Types, types)) return cached.Formats;
        var formats = new short[shape.Count];
        var allSame = true;
        for (var i = 0; i < formats.Length; i++)
        {
            formats[i] = types.ForOid(shape.Fields[i].TypeOid) is { CanReadBinary: true } ? (short)1 : (short)0;
            allSame &= formats[i] == formats[0];
        }
        var result = formats.Length == 0 ? AllText : allSame ? (formats[0] == 1 ? AllBinary : AllText) : formats;
        shape.CachedFormats = new RowDescription.FormatCache(types, result);
        return result;
    }

    /// <summary>Whether a received description has exactly these formats (so a cached one can stand in for Describe).</summary>
    public static bool Match(RowDescription description, short[] formats)
    {
        var fields = description.Fields;
        if (formats.Length == 1)
        {
            foreach (var f in fields)
                if (f.FormatCode != formats[0]) return false;
            return true;
        }
        if (formats.Length != fields.Length) return false;
        for (var i = 0; i < fields.Length; i++)
            if (fields[i].FormatCode != formats[i]) return false;
        return true;
    }
}
