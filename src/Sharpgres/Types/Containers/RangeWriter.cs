using Sharpgres.Protocol;

namespace Sharpgres.Types.Containers;

/// <summary>
/// Sends PgRange&lt;X&gt; as the range type over X's PostgreSQL type (PgRange&lt;int&gt; → int4range,
/// PgRange&lt;DateOnly&gt; → daterange...), found through the registry, so user ranges registered with
/// RegisterRange work too. Without a known range type the value goes as an untyped text literal.
/// A null bound of a reference type counts as infinite (psycopg's None).
/// </summary>
internal sealed class RangeWriter<X>(TypeRegistry registry) : PgCodec
{
    public override uint Oid => registry.ForType(Nullable.GetUnderlyingType(typeof(X)) ?? typeof(X)) is { } c ? registry.RangeOidOf(c.Oid) : 0;
    public override string PgTypeName => "range";
    public override Type ClrType => typeof(PgRange<X>);
    public override object ReadObject(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) =>
        throw new NotSupportedException("range writers don't read");

    public override uint ParameterOid(object value) => Plan((PgRange<X>)value, registry).RangeOid;
    public override PgFormat ParameterFormat(object value) => Plan((PgRange<X>)value, registry).Format;

    internal readonly record struct RangePlan(PgCodec Codec, uint SubtypeOid, uint RangeOid, PgFormat Format);

    /// <summary>The subtype codec and the range type, from a finite bound when there is one.</summary>
    internal static RangePlan Plan(PgRange<X> range, TypeRegistry types)
    {
        object? sample = null;
        if (!range.IsEmpty)
        {
            if (!range.LowerInfinite && range.Lower is not null) sample = range.Lower;
            else if (!range.UpperInfinite && range.Upper is not null) sample = range.Upper;
        }
        return PlanFor(sample, types);
    }

    internal static RangePlan PlanFor(object? sample, TypeRegistry types)
    {
        var codec = ElementCodecs.ForType(typeof(X), sample, types);
        var parameterOid = sample is null ? codec.Oid : codec.ParameterOid(sample);
        var subtype = parameterOid != 0 ? parameterOid : codec.Oid;
        var rangeOid = types.RangeOidOf(subtype);
        var format = rangeOid == 0 || (sample is not null && parameterOid != 0 && codec.ParameterFormat(sample) == PgFormat.Text)
            ? PgFormat.Text : PgFormat.Binary;
        return new RangePlan(codec, subtype, rangeOid, format);
    }

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context)
    {
        var range = (PgRange<X>)value;
        WriteRange(buffer, range, Plan(range, context.Types).Codec, format, context);
    }

    private static bool HasLower(PgRange<X> r) => !r.IsEmpty && !r.LowerInfinite && r.Lower is not null;
    private static bool HasUpper(PgRange<X> r) => !r.IsEmpty && !r.UpperInfinite && r.Upper is not null;

    /// <summary>range_recv's input (flags, then each finite bound with its length) or range_in's literal.</summary>
    internal static void WriteRange(WriteBuffer buffer, PgRange<X> range, PgCodec codec, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Binary)
        {
            var flags = range.WireFlags;
            if (!range.IsEmpty && !HasLower(range)) flags = (byte)((flags & ~2) | 8);
            if (!range.IsEmpty && !HasUpper(range)) flags = (byte)((flags & ~4) | 16);
            buffer.WriteByte(flags);
            if (HasLower(range)) WriteBinaryBound(buffer, range.Lower, codec, context);
            if (HasUpper(range)) WriteBinaryBound(buffer, range.Upper, codec, context);
            return;
        }
        if (range.IsEmpty) { buffer.WriteUtf8("empty"); return; }
        buffer.WriteByte(HasLower(range) && range.LowerInclusive ? (byte)'[' : (byte)'(');
        if (HasLower(range)) WriteTextBound(buffer, range.Lower, codec, context);
        buffer.WriteByte((byte)',');
        if (HasUpper(range)) WriteTextBound(buffer, range.Upper, codec, context);
        buffer.WriteByte(HasUpper(range) && range.UpperInclusive ? (byte)']' : (byte)')');
    }

    private static void WriteBinaryBound(WriteBuffer buffer, X value, PgCodec codec, in ReadContext context)
    {
        var at = buffer.ReserveLength();
        ElementWriting<X>.Write(codec, buffer, value, PgFormat.Binary, context);
        buffer.PatchLength(at);
    }

    private static void WriteTextBound(WriteBuffer buffer, X value, PgCodec codec, in ReadContext context)
    {
        var start = buffer.Position;
        ElementWriting<X>.Write(codec, buffer, value, PgFormat.Text, context);
        TextSyntax.Range.QuoteWritten(buffer, start);
    }
}

/// <summary>Sends PgMultirange&lt;X&gt; as the multirange of X's range type (binary: count, then each range).</summary>
internal sealed class MultirangeWriter<X>(TypeRegistry registry) : PgCodec
{
    public override uint Oid => registry.MultirangeOidOf(new RangeWriter<X>(registry).Oid);
    public override string PgTypeName => "multirange";
    public override Type ClrType => typeof(PgMultirange<X>);
    public override object ReadObject(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) =>
        throw new NotSupportedException("multirange writers don't read");

    public override uint ParameterOid(object value) => Plan((PgMultirange<X>)value, registry).MultirangeOid;
    public override PgFormat ParameterFormat(object value) => Plan((PgMultirange<X>)value, registry).Format;

    private static (PgCodec Codec, uint MultirangeOid, PgFormat Format) Plan(PgMultirange<X> value, TypeRegistry types)
    {
        var bounded = value.Where(r => !r.IsEmpty && (!r.LowerInfinite || !r.UpperInfinite)).Take(1).ToArray();
        var plan = bounded.Length > 0 ? RangeWriter<X>.Plan(bounded[0], types) : RangeWriter<X>.PlanFor(null, types);
        var multirange = plan.RangeOid == 0 ? 0 : types.MultirangeOidOf(plan.RangeOid);
        return (plan.Codec, multirange, multirange == 0 ? PgFormat.Text : plan.Format);
    }

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context)
    {
        var multirange = (PgMultirange<X>)value;
        var codec = Plan(multirange, context.Types).Codec;
        if (format == PgFormat.Binary)
        {
            buffer.WriteInt32(multirange.Count);
            foreach (var range in multirange)
            {
                var at = buffer.ReserveLength();
                RangeWriter<X>.WriteRange(buffer, range, codec, PgFormat.Binary, context);
                buffer.PatchLength(at);
            }
            return;
        }
        buffer.WriteByte((byte)'{');
        for (var i = 0; i < multirange.Count; i++)
        {
            if (i > 0) buffer.WriteByte((byte)',');
            RangeWriter<X>.WriteRange(buffer, multirange[i], codec, PgFormat.Text, context);
        }
        buffer.WriteByte((byte)'}');
    }
}
