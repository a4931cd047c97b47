using System.Diagnostics.CodeAnalysis;
#pragma warning disable CS8714 // SharpgresParameter<T> is unconstrained; only non-null value types reach PgCodec<T> here
using System.Data;
using System.Globalization;
using System.Reflection;
using Sharpgres.Protocol;
using Sharpgres.Protocol.Frontend;
using Sharpgres.Types;
using Sharpgres.Types.Codecs;

namespace Sharpgres.Data;

/// <summary>One parameter as the Bind message takes it: the value, its codec, format and the OID named in Parse.</summary>
internal readonly record struct BoundValue(object? Value, PgCodec? Codec, PgFormat Format, uint Oid);

/// <summary>
/// Turns ADO.NET parameters into the same <see cref="BoundParameters"/> psycopg-style Execute sends, with the same
/// codecs: the value's .NET type picks the codec unless DataTypeName or an explicit DbType forces a PostgreSQL type.
/// A forced type is sent with the value's own codec when it already writes that type, converted when a simple
/// conversion exists (an int as int8), and otherwise in text with the forced OID, so the server parses it (a string
/// as jsonb, Npgsql #3038).
/// </summary>
internal sealed class ParameterBinder(Connection connection)
{
    private TypeRegistry Types => connection.Types;

    public Connection Connection => connection;

    /// <summary>A statement's placeholders bound, into <paramref name="scratch"/>'s arrays when given (see CommandScratch).</summary>
    public BoundParameters Bind(AdoStatement statement, SharpgresParameterCollection parameters, bool named, CommandScratch? scratch = null)
    {
        var count = statement.ParameterCount;
        if (count == 0) return BoundParameters.Empty;
        var bound = scratch?.Parameters(count)
            ?? new BoundParameters(new object?[count], new PgCodec?[count], new PgFormat[count], new uint[count]);
        for (var i = 0; i < count; i++)
        {
            var p = named ? parameters.ForPlaceholder(statement.Names[i]) : parameters.AtPosition(statement.Positions[i]);
            (bound.Values[i], bound.Codecs[i], bound.Formats[i], bound.Oids[i]) = p.Bind(this);
        }
        return bound;
    }

    /// <summary>Parameters given in order, for generated statements (CALL, function calls).</summary>
    public BoundParameters Bind(IReadOnlyList<SharpgresParameter> parameters)
    {
        var count = parameters.Count;
        if (count == 0) return BoundParameters.Empty;
        var values = new object?[count];
        var codecs = new PgCodec?[count];
        var formats = new PgFormat[count];
        var oids = new uint[count];
        for (var i = 0; i < count; i++)
        {
            var bound = parameters[i].Bind(this);
            (values[i], codecs[i], formats[i], oids[i]) = bound;
        }
        return new BoundParameters(values, codecs, formats, oids);
    }

    public BoundValue BindObject(SharpgresParameter p, object? value)
    {
        var target = TargetOid(p, value);
        if (value is null or DBNull) return new(null, null, PgFormat.Text, target);
        value = ApplySizeAndScale(p, value);
        PgCodec natural;
        try { natural = Types.ForParameter(value); }
        catch (ProgrammingError e) when (value is not string)
        {
            throw new NotSupportedException($"parameter '{p.ParameterName}': {e.Message}", e);
        }
        if (target == 0) return new(value, natural, natural.ParameterFormat(value), natural.ParameterOid(value));
        if (natural.ParameterOid(value) == target) return new(value, natural, natural.ParameterFormat(value), target);
        if (value is string) return new(value, natural, PgFormat.Text, target);
        if (Types.ForOid(target) is { } codec && TryConvert(value, codec.ClrType, out var converted) && ReferenceEquals(Types.ForParameter(converted), codec))
            return new(converted, codec, codec.ParameterFormat(converted), target);
        // The value's own text, parsed by the server as the forced type.
        return new(value, natural, PgFormat.Text, target);
    }

    public BoundValue BindTyped<T>(SharpgresParameter<T> p)
    {
        if (p.ExplicitDataTypeName is not null || p.ExplicitDbType is not null || p.Size > 0 || p.Scale > 0 || !typeof(T).IsValueType)
            return BindObject(p, p.TypedValue);
        if (p.TypedValue is null) return new(null, null, PgFormat.Text, 0);
        if (Types.ForType(typeof(T)) is not PgCodec<T> codec) return BindObject(p, p.TypedValue);
        // Codecs whose OID or format depend on the value (DateTime's Kind, strings) go through the boxed path.
        if (TypedCodec<T>.For(codec) is not { } writer) return BindObject(p, p.TypedValue);
        return new(p, writer, PgFormat.Binary, codec.Oid);
    }

    private uint TargetOid(SharpgresParameter p, object? value)
    {
        if (p.ExplicitDataTypeName is { } name) return OidOf(name);
        if (p.ExplicitDbType is not { } dbType || dbType == DbType.Object) return 0;
        // Strings stay untyped under the string DbTypes (Dapper sets DbType.String on every string), so the server
        // infers: a string goes into a jsonb, date or enum column as it would in psql.
        if (dbType is DbType.String or DbType.AnsiString or DbType.StringFixedLength or DbType.AnsiStringFixedLength)
            return 0;
        return DbTypes.ToTypeName(dbType) is { } typeName ? DbTypes.BuiltinOid(typeName) : 0;
    }

    /// <summary>A PostgreSQL type name's OID: built-in names at once, others (user types, extensions) looked up once.</summary>
    private uint OidOf(string name)
    {
        var builtin = DbTypes.BuiltinOid(name);
        if (builtin != 0) return builtin;
        var isArray = name.TrimEnd().EndsWith("[]", StringComparison.Ordinal);
        var baseName = isArray ? name.TrimEnd()[..^2] : name;
        var info = Sharpgres.Types.TypeInfo.Fetch(connection, baseName.Trim())
            ?? throw new ArgumentException($"unknown PostgreSQL type '{name}' in DataTypeName");
        return isArray ? info.ArrayOid : info.Oid;
    }

    private static object ApplySizeAndScale(SharpgresParameter p, object value)
    {
        if (p.Size > 0 && p.Direction != ParameterDirection.Output)
        {
            if (value is string s && s.Length > p.Size) return s[..p.Size];
            if (value is byte[] b && b.Length > p.Size) return new ReadOnlyMemory<byte>(b, 0, p.Size);
        }
        if (p.Scale > 0 && value is decimal d) return Math.Round(d, p.Scale, MidpointRounding.AwayFromZero);
        return value;
    }

    private static bool TryConvert(object value, Type target, out object converted)
    {
        converted = value;
        try
        {
            switch (value)
            {
                case DateTime dt when target == typeof(DateOnly): converted = DateOnly.FromDateTime(dt); return true;
                case DateTime dt when target == typeof(TimeOnly): converted = TimeOnly.FromDateTime(dt); return true;
                case DateTime { Kind: not DateTimeKind.Unspecified } dt when target == typeof(DateTimeOffset): converted = new DateTimeOffset(dt); return true;
                case TimeSpan ts when target == typeof(TimeOnly) && ts >= TimeSpan.Zero && ts < TimeSpan.FromDays(1): converted = TimeOnly.FromTimeSpan(ts); return true;
                case IConvertible when target.IsPrimitive || target == typeof(decimal):
                    converted = Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
                    return true;
            }
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException) { }
        return false;
    }
}

/// <summary>
/// Writes a <see cref="SharpgresParameter{T}"/>'s TypedValue with its <see cref="PgCodec{T}"/>: the Bind slot holds the
/// parameter object itself, so nothing is boxed per execution. One instance per codec.
/// </summary>
internal sealed class TypedCodec<T> : PgCodec
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PgCodec<T>, TypedCodec<T>> Instances = new();
    private readonly PgCodec<T> _inner;

    private TypedCodec(PgCodec<T> inner) => _inner = inner;

    private static bool Overrides([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] Type type, string method) =>
        type.GetMethod(method, BindingFlags.Public | BindingFlags.Instance, [typeof(object)])?.DeclaringType != typeof(PgCodec);

    /// <summary>The writer for <paramref name="inner"/>, or null when its OID or format depends on the value.</summary>
    public static PgCodec? For(PgCodec<T> inner)
    {
        var typed = Instances.GetValue(inner, static c => new TypedCodec<T>(c));
        return typed.ValueDependent ? null : typed;
    }

    private bool ValueDependent => _valueDependent ??= Overrides(_inner.GetType(), nameof(PgCodec.ParameterOid)) || Overrides(_inner.GetType(), nameof(PgCodec.ParameterFormat));
    private bool? _valueDependent;

    public override uint Oid => _inner.Oid;
    public override string PgTypeName => _inner.PgTypeName;
    public override Type ClrType => typeof(T);
    public override object ReadObject(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => _inner.ReadObject(data, format, context);

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context) =>
        _inner.Write(buffer, ((SharpgresParameter<T>)value).TypedValue!, format, context);
}
