using Sharpgres.Types;

namespace Sharpgres;

/// <summary>
/// The codec that writes each column of a COPY FROM's rows: the one <see cref="Copy.SetTypes(uint[])"/> named, else the
/// registry's codec for the value's .NET type — remembered per column while the rows keep passing the same type, so a
/// million rows cost one registry lookup per column rather than one per value (5 % of a text COPY's client time).
/// Whether that type needs <see cref="CopyValues.Convert"/> at all is remembered with it: it depends on the type and
/// the codec only, and asking per value cost another 8 %.
/// </summary>
internal sealed class CopyColumnCodecs(TypeRegistry types)
{
    private PgCodec?[]? _declared;
    private Type?[] _seenTypes = [];
    private PgCodec?[] _seenCodecs = [];
    private bool[] _seenAsIs = [];

    /// <summary>The codecs SetTypes gave (null entries: no codec for that OID), or null to go by the values.</summary>
    public void Declare(PgCodec?[]? codecs)
    {
        _declared = codecs;
        Array.Clear(_seenTypes);
    }

    /// <summary>The column's codec for <paramref name="value"/>; <paramref name="asIs"/>: the codec takes the value unconverted.</summary>
    public PgCodec For(int column, object value, out bool asIs)
    {
        if (column >= _seenTypes.Length)
        {
            Array.Resize(ref _seenTypes, column + 1);
            Array.Resize(ref _seenCodecs, column + 1);
            Array.Resize(ref _seenAsIs, column + 1);
        }
        var type = value.GetType();
        if (ReferenceEquals(_seenTypes[column], type))
        {
            asIs = _seenAsIs[column];
            return _seenCodecs[column]!;
        }
        var codec = _declared is { } declared && column < declared.Length && declared[column] is { } named ? named : types.ForParameter(value);
        asIs = ReferenceEquals(CopyValues.Convert(value, codec), value);
        _seenTypes[column] = type;
        _seenCodecs[column] = codec;
        _seenAsIs[column] = asIs;
        return codec;
    }
}
