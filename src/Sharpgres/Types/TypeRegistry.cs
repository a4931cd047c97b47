using System.Collections.Concurrent;
using System.Text.Json;

namespace Sharpgres.Types;

/// <summary>
/// Picks codecs: by OID for results, by .NET type for parameters. Registries chain global → connection → cursor,
/// so a type registered on one connection doesn't leak to another (psycopg's adapters maps).
/// </summary>
public sealed partial class TypeRegistry
{
    private readonly TypeRegistry? _parent;
    // Created on first registration: most connection registries (one per pooled checkout) never register anything,
    // and a lookup that finds no dictionary goes straight to the parent.
    private ConcurrentDictionary<uint, PgCodec>? _byOid;
    private ConcurrentDictionary<Type, PgCodec>? _byType;
    private ConcurrentDictionary<uint, string>? _names;

    private static ConcurrentDictionary<TKey, TValue> Created<TKey, TValue>(ref ConcurrentDictionary<TKey, TValue>? field) where TKey : notnull =>
        field ?? Interlocked.CompareExchange(ref field, new ConcurrentDictionary<TKey, TValue>(), null) ?? field;

    private TypeRegistry(TypeRegistry? parent) => _parent = parent;

    /// <summary>The built-in codecs every connection starts from.</summary>
    public static TypeRegistry Global { get; } = BuiltinCodecs.CreateGlobal();

    internal static TypeRegistry CreateRoot() => new(null);

    /// <summary>System.Text.Json's defaults, except that non-ASCII text is written as is (json keeps it verbatim), not \u-escaped.</summary>
    internal static JsonSerializerOptions DefaultJsonOptions { get; } =
        new(JsonSerializerDefaults.General) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private JsonSerializerOptions? _jsonOptions;

    /// <summary>
    /// psycopg's <c>set_json_loads</c> / <c>set_json_dumps</c>: the System.Text.Json options that json/jsonb values are
    /// read with (Get&lt;T&gt; of a POCO) and Json/Jsonb-wrapped objects written with, in this registry and its
    /// children; null (the default) inherits the parent's, and at the root System.Text.Json's defaults with non-ASCII
    /// text written as is. In trimmed and NativeAOT apps, options whose TypeInfoResolver is your source-generated
    /// JsonSerializerContext (<c>new JsonSerializerOptions { TypeInfoResolver = MyJsonContext.Default }</c>) are what
    /// make POCOs work.
    /// </summary>
    public JsonSerializerOptions? JsonOptions
    {
        get => _jsonOptions ?? _parent?.JsonOptions;
        set => _jsonOptions = value;
    }

    /// <summary>A registry that sees everything this one has, and whose registrations stay its own.</summary>
    public TypeRegistry CreateChild() => new(this);

    /// <summary>Registers a codec for its OID and, unless told otherwise, as the parameter codec of its .NET type.</summary>
    public void Register(PgCodec codec, bool forParameters = true, params Type[] alsoFor)
    {
        Created(ref _byOid)[codec.Oid] = codec;
        Created(ref _names)[codec.Oid] = codec.PgTypeName;
        if (forParameters) Created(ref _byType)[codec.ClrType] = codec;
        foreach (var t in alsoFor) Created(ref _byType)[t] = codec;
    }

    /// <summary>Registers a codec only as the reader of another OID (e.g. varchar read by the text codec).</summary>
    public void RegisterReader(uint oid, string name, PgCodec codec)
    {
        Created(ref _byOid)[oid] = codec;
        Created(ref _names)[oid] = name;
    }

    /// <summary>Registers a codec only as the writer of a .NET type.</summary>
    public void RegisterWriter(Type type, PgCodec codec) => Created(ref _byType)[type] = codec;

    /// <summary>The codec that reads the PostgreSQL type <paramref name="oid"/>, from this registry or the global one; null for an unknown type (read as text).</summary>
    public PgCodec? ForOid(uint oid) =>
        _byOid is { } byOid && byOid.TryGetValue(oid, out var codec) ? codec : _parent?.ForOid(oid);

    /// <summary>The codec registered as the writer of exactly <paramref name="type"/>, from this registry or the global one; null when none.</summary>
    public PgCodec? ForType(Type type)
    {
        for (var registry = this; registry is not null; registry = registry._parent)
            if (registry._byType is { } byType && byType.TryGetValue(type, out var codec)) return codec;
        return null;
    }

    /// <summary>The codec for a parameter value: its exact type, then its base types and interfaces.</summary>
    internal PgCodec ForParameter(object value)
    {
        var type = value.GetType();
        if (ForType(type) is { } exact) return exact;
        for (var t = type.BaseType; t is not null && t != typeof(object); t = t.BaseType)
            if (ForType(t) is { } byBase) { RegisterWriter(type, byBase); return byBase; }
        // An interface registered as a writer (hstore's IDictionary<string, string?> ...) that the type implements:
        // tested per registered interface rather than listed from the type, whose interface list trimming may thin.
        for (var registry = this; registry is not null; registry = registry._parent)
            if (registry._byType is { } byType)
                foreach (var (registered, codec) in byType)
                    if (registered.IsInterface && registered.IsAssignableFrom(type)) return codec;
        if (BuiltinCodecs.TryCreateFor(type, this) is { } made) { RegisterWriter(type, made); return made; }
        throw new ProgrammingError($"cannot adapt type '{type.Name}': register a codec for it with conn.Types.Register(...) or pass it as a string");
    }

    /// <summary>The type's name in PostgreSQL, for Description; "unknown" when not known.</summary>
    public string NameOf(uint oid) =>
        _names is { } names && names.TryGetValue(oid, out var n) ? n : _parent?.NameOf(oid) ?? "unknown";

    internal void RememberName(uint oid, string name) => Created(ref _names)[oid] = name;

    /// <summary>The OID of a type known here by <paramref name="name"/> (as NameOf gives it, or without "public."); 0 when none.</summary>
    internal uint OidOfName(string name)
    {
        for (var registry = this; registry is not null; registry = registry._parent)
            if (registry._names is { } names)
                foreach (var (oid, known) in names)
                    if (known == name || (known.StartsWith("public.", StringComparison.Ordinal) && known.AsSpan(7).SequenceEqual(name))) return oid;
        return 0;
    }
}
