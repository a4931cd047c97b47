using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text;
using Sharpgres.Protocol;

namespace Sharpgres.Types.UserTypes;

/// <summary>
/// A PostgreSQL enum ↔ a C# enum, by label: a member's [PgName], else its name matched case-insensitively with
/// snake_case equal to PascalCase (VeryHappy ↔ very_happy). Both wire formats are the label's UTF-8 text.
/// Reading a label with no member, or writing a member with no label, is a DataError naming both.
/// Created by <c>conn.Types.RegisterEnum&lt;TEnum&gt;("mood")</c>.
/// </summary>
internal sealed class EnumCodec<TEnum> : PgCodec<TEnum>, IPgReader<string> where TEnum : struct, Enum
{
    private readonly uint _oid;
    private readonly string _name;
    private readonly Dictionary<string, TEnum> _byLabel = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TEnum>.AlternateLookup<ReadOnlySpan<char>> _byLabelSpan;
    private readonly Dictionary<TEnum, byte[]> _labels = new();

    public EnumCodec(uint oid, string name, IReadOnlyList<string> labels)
    {
        _oid = oid;
        _name = name;
        var members = typeof(TEnum).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static);
        foreach (var label in labels)
        {
            var member = members.FirstOrDefault(m => NameTranslation.PgNameOf(m) == label)
                ?? members.FirstOrDefault(m => NameTranslation.PgNameOf(m) is null && NameTranslation.Normalize(m.Name) == NameTranslation.Normalize(label));
            if (member is null) continue;
            var value = (TEnum)member.GetValue(null)!;
            _byLabel[label] = value;
            _labels.TryAdd(value, Encoding.UTF8.GetBytes(label));
        }
        if (_byLabel.Count == 0)
            throw new ProgrammingError($"no member of {typeof(TEnum).Name} matches a label of the PostgreSQL enum {name} ({string.Join(", ", labels)})");
        _byLabelSpan = _byLabel.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public override uint Oid => _oid;
    public override string PgTypeName => _name;

    public override TEnum Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        Span<char> chars = data.Length <= 256 ? stackalloc char[data.Length] : new char[data.Length];
        var n = Encoding.UTF8.GetChars(data, chars);
        if (_byLabelSpan.TryGetValue(chars[..n], out var value)) return value;
        throw new DataError($"the {_name} label '{chars[..n].ToString()}' has no member in {typeof(TEnum).Name}: add one (or a [PgName(\"{chars[..n].ToString()}\")] attribute)");
    }

    string IPgReader<string>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => Encoding.UTF8.GetString(data);

    internal override void Write(WriteBuffer buffer, TEnum value, PgFormat format, in ReadContext context)
    {
        if (!_labels.TryGetValue(value, out var label))
            throw new DataError($"{typeof(TEnum).Name}.{value} has no label in the PostgreSQL enum {_name}");
        buffer.WriteBytes(label);
    }
}

/// <summary>
/// A C# enum that was not registered: sent as its label — [PgName] or the member name in snake_case — untyped
/// (OID 0) in text, so the server types it from context (an enum column, a cast). psycopg dumps Enum by name.
/// Made from the parameter's runtime type, so it is not generic: [PgName] is read by reflection where that is
/// available (not in trimmed / NativeAOT apps, which get the snake_case name: register the enum to keep [PgName]).
/// </summary>
internal sealed class UnregisteredEnumWriter : PgCodec
{
    private readonly Type _type;
    private readonly Dictionary<object, string> _labels = new();

    public UnregisteredEnumWriter(Type type)
    {
        _type = type;
        foreach (var name in Enum.GetNames(type))
        {
            var label = (ReflectionFeature.IsSupported ? PgNameOf(type, name) : null) ?? NameTranslation.ToSnakeCase(name);
            _labels.TryAdd(Enum.Parse(type, name), label);
        }
    }

    [RequiresUnreferencedCode("reads [PgName] from the enum's fields")]
    private static string? PgNameOf(Type type, string member) =>
        type.GetField(member, BindingFlags.Public | BindingFlags.Static) is { } field ? NameTranslation.PgNameOf(field) : null;

    public override uint Oid => 0;
    public override string PgTypeName => "unknown";
    public override Type ClrType => _type;
    public override uint ParameterOid(object value) => 0;
    public override PgFormat ParameterFormat(object value) => PgFormat.Text;

    public override object ReadObject(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) =>
        Enum.Parse(_type, Encoding.UTF8.GetString(data).Replace("_", ""), ignoreCase: true);

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context) =>
        buffer.WriteUtf8(_labels.TryGetValue(value, out var label) ? label
            : throw new DataError($"{_type.Name} value {value} is not a named member"));
}
