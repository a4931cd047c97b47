using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Sharpgres.Protocol.Backend;
using Sharpgres.Results;

namespace Sharpgres.Types.UserTypes;

/// <summary>
/// How a composite's fields meet a .NET type, like the row mapper: a record's (or class's) public constructor whose
/// parameters are all fields, else a parameterless one; then settable properties for the remaining fields. Names
/// match case-insensitively, snake_case = PascalCase, [PgName] overriding. Reads are compiled once into a delegate
/// that reads each field with its typed reader (no boxing); writes get each field through a compiled getter.
/// </summary>
internal sealed class CompositeMapping<[DynamicallyAccessedMembers(MappedMembers.Composite)] T>
{
    public CompositeMapping(string typeName, IReadOnlyList<PgField> fields)
    {
        var ordinals = new Dictionary<string, int>();
        for (var i = 0; i < fields.Count; i++) ordinals.TryAdd(NameTranslation.Normalize(fields[i].Name), i);
        int? Ordinal(ICustomAttributeProvider member, string name) =>
            NameTranslation.PgNameOf(member) is { } pg ? fields.Select((f, i) => (f, i)).Where(x => x.f.Name == pg).Select(x => (int?)x.i).FirstOrDefault()
            : ordinals.TryGetValue(NameTranslation.Normalize(name), out var o) ? o : null;

        var type = typeof(T);
        var access = Expression.Parameter(typeof(CompositeAccess), "fields");
        var used = new HashSet<int>();
        var ctor = type.GetConstructors()
            .Where(c => c.GetParameters().Length > 0 && c.GetParameters().All(p => Ordinal(p, p.Name!) is not null))
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault();
        NewExpression creation;
        if (ctor is not null)
        {
            creation = Expression.New(ctor, ctor.GetParameters().Select(p =>
            {
                var ordinal = Ordinal(p, p.Name!)!.Value;
                used.Add(ordinal);
                return Field(access, p.ParameterType, ordinal);
            }));
        }
        else if (type.IsValueType) creation = Expression.New(type);
        else if (type.GetConstructor(Type.EmptyTypes) is { } empty) creation = Expression.New(empty);
        else throw new ProgrammingError($"cannot map the composite {typeName} onto {type.Name}: no constructor whose parameters are all fields ({string.Join(", ", fields.Select(f => f.Name))}) and no parameterless one");

        var bindings = new List<MemberBinding>();
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray();
        foreach (var property in properties)
        {
            if (property.SetMethod is not { IsPublic: true } || Ordinal(property, property.Name) is not { } ordinal || !used.Add(ordinal)) continue;
            bindings.Add(Expression.Bind(property, Field(access, property.PropertyType, ordinal)));
        }
        if (used.Count == 0)
            throw new ProgrammingError($"cannot map the composite {typeName} onto {type.Name}: none of its fields ({string.Join(", ", fields.Select(f => f.Name))}) matches a constructor parameter or settable property");
        Build = Expression.Lambda<Func<CompositeAccess, T>>(Expression.MemberInit(creation, bindings), access).Compile();

        // Writing: a getter per field, from the readable property (or field) of the same name.
        Getters = new Func<T, object?>[fields.Count];
        MemberTypes = new Type?[fields.Count];
        var instance = Expression.Parameter(typeof(T), "value");
        foreach (var member in properties.Where(p => p.GetMethod is { IsPublic: true }).Cast<MemberInfo>()
                     .Concat(type.GetFields(BindingFlags.Public | BindingFlags.Instance)))
        {
            if (Ordinal(member, member.Name) is not { } ordinal || Getters[ordinal] is not null) continue;
            var memberType = member is PropertyInfo p ? p.PropertyType : ((FieldInfo)member).FieldType;
            MemberTypes[ordinal] = memberType;
            Getters[ordinal] = Expression.Lambda<Func<T, object?>>(
                Expression.Convert(member is PropertyInfo property ? Expression.Property(instance, property) : Expression.Field(instance, (FieldInfo)member), typeof(object)),
                instance).Compile();
        }
    }

    /// <summary>Reads field <paramref name="ordinal"/> as <paramref name="type"/>: typed where code can be generated, through the type's forms under NativeAOT.</summary>
    private static Expression Field(ParameterExpression access, Type type, int ordinal) => RuntimeFeature.IsDynamicCodeSupported
        ? Expression.Call(access, typeof(CompositeAccess).GetMethod(nameof(CompositeAccess.Get))!.MakeGenericMethod(type), Expression.Constant(ordinal))
        : TypeForms.BoxedRead(access, type, ordinal, $"mapping a composite field onto a member of {typeof(T).Name}");

    public Func<CompositeAccess, T> Build { get; }

    /// <summary>Per field: the member's value boxed for writing, or null when no member has the field's name.</summary>
    public Func<T, object?>?[] Getters { get; }

    public Type?[] MemberTypes { get; }
}

/// <summary>
/// A composite value's fields as the compiled mapping reads them: a private copy of the value's bytes (field
/// ranges into it) and the FieldDescription each field is decoded with.
/// </summary>
internal sealed class CompositeAccess(byte[] buffer, (int Start, int Length)[] ranges, FieldDescription[] fields, ReadContext context)
{
    public TValue Get<TValue>(int ordinal)
    {
        var (start, length) = ranges[ordinal];
        if (length < 0 && default(TValue) is not null)
            throw new InvalidCastException($"composite field '{fields[ordinal].Name}' is NULL: use a nullable type ({typeof(TValue).Name}?)");
        return ColumnValue.Read<TValue>(length > 0 ? buffer.AsSpan(start, length) : default, length, fields[ordinal], context);
    }
}
