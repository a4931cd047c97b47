using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Sharpgres.Protocol.Backend;
using Sharpgres.Types;

namespace Sharpgres.Results;

/// <summary>
/// Maps result rows onto <typeparamref name="T"/>: scalars from column 0, value tuples by position, records by
/// constructor parameter names, classes by settable properties — names matched case-insensitively with snake_case
/// equal to PascalCase. Built once per (T, row shape) as a compiled delegate that reads each column with its typed
/// reader, so values are never boxed.
/// </summary>
internal sealed class RowMapper<[DynamicallyAccessedMembers(MappedMembers.Row)] T>
{
    // Keyed by the instance first (cheap, the common case for prepared statements), then by shape, so a new
    // RowDescription of the same columns never compiles a mapper again.
    private static readonly ConditionalWeakTable<RowDescription, RowMapper<T>> ByInstance = new();
    private static readonly ConcurrentDictionary<string, RowMapper<T>> ByShape = new();
    private readonly Func<RowAccess, T> _map;

    private RowMapper(Func<RowAccess, T> map) => _map = map;

    public static RowMapper<T> For(RowDescription description)
    {
        if (description.CachedMapper is RowMapper<T> last) return last;
        var mapper = ByInstance.GetValue(description, static d => ByShape.GetOrAdd(d.ShapeKey, static (_, d) => new RowMapper<T>(Build(d)), d));
        description.CachedMapper = mapper;
        return mapper;
    }

    public T Map(ResultSet result, int index)
    {
        var access = RowAccess.Rent(result, index);
        try { return _map(access); }
        finally { RowAccess.Return(access); }
    }

    /// <summary>
    /// Maps the rows from <paramref name="position"/> on into <paramref name="rows"/> with one RowAccess for all of them,
    /// moving the position past each row before mapping it (as fetching one row at a time does).
    /// </summary>
    public void MapRange(ResultSet result, ref int position, Span<T> rows)
    {
        if (rows.IsEmpty) return;
        var access = RowAccess.Rent(result, position);
        try
        {
            for (var i = 0; i < rows.Length; i++)
            {
                if (i > 0) access.MoveTo(position);
                position++;
                rows[i] = _map(access);
            }
        }
        finally { RowAccess.Return(access); }
    }

    /// <summary>Maps a row that lives in a receive buffer (streaming): the bytes are valid only during the call.</summary>
    internal T Map(RowAccess access) => _map(access);

    /// <summary>Maps a DataRow body that isn't part of a buffered result (a streamed row, a binary COPY row).</summary>
    internal T Map(RowDescription shape, in ReadContext context, ReadOnlyMemory<byte> dataRow)
    {
        var access = RowAccess.Rent(shape, context, dataRow);
        try { return _map(access); }
        finally { RowAccess.Return(access); }
    }

    private static Func<RowAccess, T> Build(RowDescription d)
    {
        var type = typeof(T);
        if (IsScalar(type))
        {
            if (d.Count < 1) throw new ProgrammingError($"cannot map a result with no columns onto {type.Name}");
            return static row => row.Get<T>(0);   // plain generic code: no expression to compile (or interpret under NativeAOT)
        }
        var access = Expression.Parameter(typeof(RowAccess), "row");
        Expression body;
        if (IsValueTuple(type))
        {
            body = BuildTuple(access, type, d, 0);
        }
        else
        {
            body = BuildObject(access, type, d);
        }
        return Expression.Lambda<Func<RowAccess, T>>(body, access).Compile();
    }

    /// <summary>
    /// Reads column <paramref name="ordinal"/> as <paramref name="type"/>: RowAccess.Get&lt;type&gt; where code can be
    /// generated; under NativeAOT (which can't instantiate it at run time) through the type's forms, boxed.
    /// </summary>
    private static Expression Get(ParameterExpression access, Type type, int ordinal) => RuntimeFeature.IsDynamicCodeSupported
        ? Expression.Call(access, typeof(RowAccess).GetMethod(nameof(RowAccess.Get))!.MakeGenericMethod(type), Expression.Constant(ordinal))
        : TypeForms.BoxedRead(access, type, ordinal, $"mapping a column onto a member of {TypeName(typeof(T))}");

    private static Expression BuildTuple(ParameterExpression access, [DynamicallyAccessedMembers(MappedMembers.Row)] Type type, RowDescription d, int offset)
    {
        var args = type.GetGenericArguments();
        var ctor = type.GetConstructor(args)!;
        var values = new Expression[args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            if (i == 7) { values[i] = BuildRest(access, args[i], d, offset + 7); continue; }   // TRest
            if (offset + i >= d.Count)
                throw new ProgrammingError($"cannot map a result of {d.Count} columns onto {TypeName(typeof(T))}: too few columns");
            values[i] = Get(access, args[i], offset + i);
        }
        if (offset == 0 && CountTupleItems(type) != d.Count)
            throw new ProgrammingError($"cannot map a result of {d.Count} columns onto {TypeName(typeof(T))}");
        return Expression.New(ctor, values);
    }

    /// <summary>
    /// A tuple's 8th item (TRest, the tuple of items 8 and on): its type comes from the outer tuple's type arguments,
    /// where trimming analysis can't see its constructor, so it needs reflection.
    /// </summary>
    private static Expression BuildRest(ParameterExpression access, Type rest, RowDescription d, int offset) =>
        ReflectionFeature.IsSupported ? BuildRestByReflection(access, rest, d, offset)
            : throw ReflectionFeature.Unavailable($"mapping rows onto {TypeName(typeof(T))} (more than 7 items)", "map them onto a record or class, or a tuple of at most 7 items");

    [RequiresUnreferencedCode("the nested tuple's constructor is found by reflection")]
    private static Expression BuildRestByReflection(ParameterExpression access, Type rest, RowDescription d, int offset) =>
        BuildTuple(access, rest, d, offset);

    private static int CountTupleItems(Type type)
    {
        var args = type.GetGenericArguments();
        return args.Length == 8 ? 7 + CountTupleItems(args[7]) : args.Length;
    }

    private static Expression BuildObject(ParameterExpression access, [DynamicallyAccessedMembers(MappedMembers.Row)] Type type, RowDescription d)
    {
        var columns = new Dictionary<string, int>();
        for (var i = 0; i < d.Count; i++) columns.TryAdd(Normalize(d.Fields[i].Name), i);

        // A record or immutable class: the public constructor whose parameters are all columns, the longest first.
        var ctor = type.GetConstructors()
            .Where(c => c.GetParameters().Length > 0 && c.GetParameters().All(p => columns.ContainsKey(Normalize(p.Name!))))
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault();
        var used = new HashSet<int>();
        NewExpression creation;
        if (ctor is not null)
        {
            var args = ctor.GetParameters().Select(p =>
            {
                var ordinal = columns[Normalize(p.Name!)];
                used.Add(ordinal);
                return Get(access, p.ParameterType, ordinal);
            });
            creation = Expression.New(ctor, args);
        }
        else if (type.IsValueType)
        {
            creation = Expression.New(type);
        }
        else if (type.GetConstructor(Type.EmptyTypes) is { } empty)
        {
            creation = Expression.New(empty);
        }
        else
        {
            var parameters = type.GetConstructors().FirstOrDefault()?.GetParameters() ?? [];
            var missing = parameters.Select(p => p.Name!).Where(n => !columns.ContainsKey(Normalize(n)));
            throw new ProgrammingError($"cannot map the result onto {type.Name}: no column for constructor parameter(s) {string.Join(", ", missing)} (columns: {string.Join(", ", d.Fields.Select(f => f.Name))})");
        }

        var bindings = new List<MemberBinding>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || property.SetMethod is not { IsPublic: true }) continue;
            if (!columns.TryGetValue(Normalize(property.Name), out var ordinal) || used.Contains(ordinal)) continue;
            used.Add(ordinal);
            bindings.Add(Expression.Bind(property, Get(access, property.PropertyType, ordinal)));
        }
        if (used.Count == 0)
            throw new ProgrammingError($"cannot map the result onto {type.Name}: none of the columns ({string.Join(", ", d.Fields.Select(f => f.Name))}) matches a constructor parameter or settable property");
        return Expression.MemberInit(creation, bindings);
    }

    /// <summary>snake_case, camelCase and PascalCase compare equal: lowercase, no underscores.</summary>
    private static string Normalize(string name) => name.Replace("_", "").ToLowerInvariant();

    internal static bool IsValueTuple(Type t) => t.IsValueType && t.IsGenericType && t.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal);

    internal static bool IsScalar(Type t)
    {
        var u = Nullable.GetUnderlyingType(t) ?? t;
        return u.IsPrimitive || u.IsEnum || u.IsArray || u == typeof(string) || u == typeof(object)
               || (u.Namespace is { } ns && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal)) && !IsValueTuple(u))
               || typeof(PgCodec).Assembly == u.Assembly && u.Namespace == "Sharpgres.Types";
    }

    private static string TypeName(Type t) => t.IsGenericType ? t.Name[..t.Name.IndexOf('`')] + "<" + string.Join(", ", t.GetGenericArguments().Select(TypeName)) + ">" : t.Name;
}

/// <summary>The members the row and composite mappers reach by reflection: kept by the trimmer for the mapped types.</summary>
internal static class MappedMembers
{
    public const DynamicallyAccessedMemberTypes Row = DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties;
    public const DynamicallyAccessedMemberTypes Composite = Row | DynamicallyAccessedMemberTypes.PublicFields;
}

/// <summary>
/// What a mapper reads from: one row's column ranges over the bytes of a buffered result. Pooled per thread,
/// so mapping a row allocates only the mapped object.
/// </summary>
internal sealed class RowAccess
{
    [ThreadStatic] private static RowAccess? _spare;
    private (int Start, int Length)[] _ranges = new (int, int)[16];
    private ResultSet? _result;
    private byte[] _chunk = [];            // a buffered row: its result chunk and offset
    private int _offset;
    private int _count;
    private ReadOnlyMemory<byte> _bytes;   // used when _result is null
    private RowDescription _shape = null!;
    private ReadContext _context;
    // Each column's codec, looked up once per (shape, registry) rather than once per value: kept across rentals,
    // so the rows of one stream or one result share it.
    private PgCodec?[] _codecs = new PgCodec?[16];
    private RowDescription? _codecShape;
    private TypeRegistry? _codecTypes;
    // Each column's typed reader (a DirectRead<TValue>) once the column was read as a type its codec reads itself:
    // a mapper reads the same columns as the same types row after row, so ColumnValue.Read's interface checks (a
    // variant-interface cast per value) run once per column and shape, not once per value. Reset with the codecs.
    private object?[] _direct = new object?[16];

    public static RowAccess Rent(ResultSet result, int index)
    {
        var access = _spare ?? new RowAccess();
        _spare = null;
        access.Load(result, index);
        return access;
    }

    /// <summary>An access pointed at nothing yet (<see cref="Point"/>): one owner's for many rows, given back with Return.</summary>
    public static RowAccess Rent()
    {
        var access = _spare ?? new RowAccess();
        _spare = null;
        return access;
    }

    /// <summary>Points at row <paramref name="index"/> of a buffered result (any result: the codecs follow its shape).</summary>
    public void Point(ResultSet result, int index) => Load(result, index);

    public static RowAccess Rent(RowDescription shape, in ReadContext context, ReadOnlyMemory<byte> dataRow)
    {
        var access = _spare ?? new RowAccess();
        _spare = null;
        access.LoadRow(shape, context, dataRow);
        return access;
    }

    /// <summary>
    /// Points an access its caller owns (a typed stream keeps one for all its rows, instead of renting the thread's
    /// spare per row) at a DataRow body outside a buffered result; the bytes must stay valid while it is read.
    /// </summary>
    public void LoadRow(RowDescription shape, in ReadContext context, ReadOnlyMemory<byte> dataRow)
    {
        _result = null;
        _chunk = [];
        _bytes = dataRow;
        Load(shape, context);
    }

    public static void Return(RowAccess access)
    {
        access._result = null;
        access._chunk = [];
        access._bytes = default;
        _spare = access;
    }

    private void Load(ResultSet result, int index)
    {
        _result = result;
        _chunk = result.RowChunk(index, out _offset);
        Load(result.Description!, result.Context);
    }

    private void Load(RowDescription shape, in ReadContext context)
    {
        _shape = shape;
        _context = context;
        _count = shape.Count;
        if (_ranges.Length < _count) _ranges = new (int, int)[_count];
        if (!ReferenceEquals(_codecShape, shape) || !ReferenceEquals(_codecTypes, context.Types)) LookUpCodecs(shape, context.Types);
        ResultSet.ColumnRanges(Data, _ranges.AsSpan(0, _count));
    }

    private void LookUpCodecs(RowDescription shape, TypeRegistry types)
    {
        if (_codecs.Length < shape.Count) { _codecs = new PgCodec?[shape.Count]; _direct = new object?[shape.Count]; }
        else Array.Clear(_direct);
        for (var i = 0; i < shape.Count; i++) _codecs[i] = types.ForOid(shape.Fields[i].TypeOid);
        _codecShape = shape;
        _codecTypes = types;
    }

    /// <summary>Points at another row of the same buffered result.</summary>
    public void MoveTo(int index)
    {
        _chunk = _result!.RowChunk(index, out _offset);
        ResultSet.ColumnRanges(Data, _ranges.AsSpan(0, _count));
    }

    private ReadOnlySpan<byte> Data => _result is not null ? _chunk.AsSpan(_offset) : _bytes.Span;

    public TValue Get<TValue>(int ordinal)
    {
        var (start, length) = _ranges[ordinal];
        var data = length <= 0 ? default
            : _result is not null ? new ReadOnlySpan<byte>(_chunk, _offset + start, length)   // buffered: straight from the chunk
            : _bytes.Span.Slice(start, length);
        if (length >= 0 && _direct[ordinal] is DirectRead<TValue> direct) return direct.Reader.Read(data, direct.Format, _context);
        var field = _shape.Fields[ordinal];
        var codec = _codecs[ordinal];
        if (length >= 0 && codec is IPgReader<TValue> reader && ReadTraits<TValue>.IsOwnReader(codec))
            _direct[ordinal] = new DirectRead<TValue>(reader, (PgFormat)field.FormatCode);   // what ColumnValue.Read would pick, every time
        return ColumnValue.Read<TValue>(data, length, field, codec, _context);
    }
}

/// <summary>A column's own typed reader and format, remembered by RowAccess for the rows after the first.</summary>
internal sealed class DirectRead<TValue>(IPgReader<TValue> reader, PgFormat format)
{
    public IPgReader<TValue> Reader { get; } = reader;
    public PgFormat Format { get; } = format;
}
