using Sharpgres.Types;

namespace Sharpgres.Protocol.Frontend;

/// <summary>
/// Bind: parameter formats and values (each written by its codec straight into the buffer, length back-patched),
/// then the result formats.
/// </summary>
internal static class BindMessage
{
    public static void WriteBind(this WriteBuffer w, string statement, in BoundParameters parameters, short resultFormat, in ReadContext context) =>
        w.WriteBind(statement, parameters, resultFormat == 0 ? ResultFormats.AllText : ResultFormats.AllBinary, context);

    /// <summary>Writes a Bind message for <paramref name="statement"/> with <paramref name="parameters"/> encoded by <paramref name="context"/>'s codecs.</summary>
    /// <param name="w">The buffer the message is written to.</param>
    /// <param name="statement">The prepared statement's name ("" for the unnamed one).</param>
    /// <param name="parameters">The values bound to $1, $2 ...</param>
    /// <param name="resultFormats">One code for every column, or one per column (protocol: Bind's result-column format codes).</param>
    /// <param name="context">The session's codecs and settings used to encode the values.</param>
    public static void WriteBind(this WriteBuffer w, string statement, in BoundParameters parameters, short[] resultFormats, in ReadContext context)
    {
        var start = w.Position;
        w.StartMessage((byte)'B');
        w.WriteByte(0);                 // unnamed portal
        w.WriteCString(statement);
        var count = parameters.Count;
        w.WriteInt16((short)count);
        for (var i = 0; i < count; i++) w.WriteInt16((short)parameters.Formats[i]);
        w.WriteInt16((short)count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var value = parameters.Values[i];
                if (value is null) { w.WriteInt32(-1); continue; }
                var at = w.ReserveLength();
                parameters.Codecs[i]!.WriteObject(w, value, parameters.Formats[i], context);
                w.PatchLength(at);
            }
        }
        catch
        {
            w.Truncate(start);   // a value that can't be encoded leaves nothing half-written
            throw;
        }
        w.WriteInt16((short)resultFormats.Length);
        foreach (var format in resultFormats) w.WriteInt16(format);
        w.EndMessage();
    }
}

/// <summary>The parameters of one execution: values in $n order with the codec, OID and format chosen for each.</summary>
internal readonly struct BoundParameters
{
    public BoundParameters(object?[] values, PgCodec?[] codecs, PgFormat[] formats, uint[] oids)
    {
        Values = values;
        Codecs = codecs;
        Formats = formats;
        Oids = oids;
    }

    public object?[] Values { get; }
    public PgCodec?[] Codecs { get; }
    public PgFormat[] Formats { get; }
    public uint[] Oids { get; }
    public int Count => Values.Length;

    public static BoundParameters Empty { get; } = new([], [], [], []);

    /// <summary>Several sets' parameters one after the other, for a statement that takes them all (a multi-row INSERT).</summary>
    public static BoundParameters Concat(List<BoundParameters> sets, int start, int count)
    {
        var width = sets[start].Count;
        var values = new object?[width * count];
        var codecs = new PgCodec?[values.Length];
        var formats = new PgFormat[values.Length];
        var oids = new uint[values.Length];
        for (var i = 0; i < count; i++)
        {
            var set = sets[start + i];
            set.Values.CopyTo(values, i * width);
            set.Codecs.CopyTo(codecs, i * width);
            set.Formats.CopyTo(formats, i * width);
            set.Oids.CopyTo(oids, i * width);
        }
        return new BoundParameters(values, codecs, formats, oids);
    }

    /// <summary>
    /// Arrays a caller reuses from one execution to the next (a cursor's plain Execute: its parameters are done with
    /// when the round trip ends), so a point query doesn't allocate three arrays per execution.
    /// </summary>
    internal sealed class Scratch
    {
        public PgCodec?[] Codecs = [];
        public PgFormat[] Formats = [];
        public uint[] Oids = [];
    }

    /// <summary>The protocol's parameter count is an Int16: PostgreSQL takes at most 65,535 parameters per statement.</summary>
    public const int MaxParameters = 65_535;

    /// <summary>PostgreSQL's MaxAllocSize: no field of a message can be larger (1 GB - 1).</summary>
    public const int MaxValueBytes = 0x3FFF_FFFF;

    /// <summary>Chooses a codec per value from its .NET type; fails before anything is sent.</summary>
    public static BoundParameters Create(Queries.ParsedQuery query, object?[] values, TypeRegistry types, Scratch? scratch = null)
    {
        var n = values.Length;
        if (n == 0) return Empty;
        if (n > MaxParameters)
            throw new ProgrammingError($"{n} parameters, but PostgreSQL takes at most {MaxParameters} per statement: pass the values as one array parameter (= ANY(%s)) or use COPY");
        PgCodec?[] codecs;
        PgFormat[] formats;
        uint[] oids;
        if (scratch is not null)
        {
            if (scratch.Oids.Length != n) { scratch.Codecs = new PgCodec?[n]; scratch.Formats = new PgFormat[n]; scratch.Oids = new uint[n]; }
            (codecs, formats, oids) = (scratch.Codecs, scratch.Formats, scratch.Oids);
            Array.Clear(codecs);
            Array.Clear(oids);
        }
        else
        {
            codecs = new PgCodec?[n];
            formats = new PgFormat[n];
            oids = new uint[n];
        }
        for (var i = 0; i < n; i++)
        {
            var value = values[i];
            if (value is null or DBNull) { values[i] = null; formats[i] = PgFormat.Text; continue; }
            if (value is TypedNull typed)
            {
                // The NULL keeps the type its .NET type maps to (strings stay untyped, as their values do).
                values[i] = null;
                formats[i] = PgFormat.Text;
                oids[i] = types.ForType(typed.ClrType) is { } typedCodec && typedCodec.ClrType == typed.ClrType && typedCodec.Oid != Types.Oids.Text ? typedCodec.Oid : 0;
                continue;
            }
            CheckSize(value, i);
            var codec = types.ForParameter(value);
            codecs[i] = codec;
            formats[i] = query.FormatFor(i, codec, value);
            // A string forced to binary must say it is text: binary input of "unknown" isn't defined.
            oids[i] = formats[i] == PgFormat.Binary && codec.ParameterOid(value) == 0 ? codec.Oid : codec.ParameterOid(value);
        }
        return new BoundParameters(values, codecs, formats, oids);
    }

    /// <summary>
    /// One set of many (ExecuteMany): the codecs, formats and OIDs are chosen in <paramref name="scratch"/>, and when
    /// they are those of <paramref name="previous"/> (the sets of one call nearly always bind the same types) its arrays
    /// are shared instead of three new ones per set. Nothing writes to these arrays once they are bound.
    /// </summary>
    public static BoundParameters CreateLike(Queries.ParsedQuery query, object?[] values, TypeRegistry types, Scratch scratch, in BoundParameters previous)
    {
        var chosen = Create(query, values, types, scratch);
        if (chosen.Count == 0) return chosen;
        if (previous.Values is { } before && before.Length == chosen.Count
            && chosen.Oids.AsSpan().SequenceEqual(previous.Oids) && chosen.Formats.AsSpan().SequenceEqual(previous.Formats)
            && SameCodecs(chosen.Codecs, previous.Codecs))
            return new BoundParameters(values, previous.Codecs, previous.Formats, previous.Oids);
        return new BoundParameters(values, (PgCodec?[])chosen.Codecs.Clone(), (PgFormat[])chosen.Formats.Clone(), (uint[])chosen.Oids.Clone());
    }

    private static bool SameCodecs(PgCodec?[] a, PgCodec?[] b)
    {
        for (var i = 0; i < a.Length; i++)
            if (!ReferenceEquals(a[i], b[i])) return false;
        return true;
    }

    /// <summary>A value PostgreSQL can't take (over 1 GB) is refused before it is copied into the send buffer.</summary>
    private static void CheckSize(object value, int index)
    {
        long size = value switch
        {
            byte[] bytes => bytes.LongLength,
            ReadOnlyMemory<byte> memory => memory.Length,
            Memory<byte> memory => memory.Length,
            string s when s.Length > MaxValueBytes / 3 => System.Text.Encoding.UTF8.GetByteCount(s),
            _ => 0,
        };
        if (size > MaxValueBytes)
            throw new ProgrammingError($"parameter {index + 1} is {size:N0} bytes: PostgreSQL accepts at most 1 GB ({MaxValueBytes:N0} bytes) per value; stream it with COPY or in chunks (large objects)");
    }
}
