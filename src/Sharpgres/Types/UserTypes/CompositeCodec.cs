using System.Diagnostics.CodeAnalysis;
using System.Buffers;
using System.Buffers.Binary;
using Sharpgres.Protocol;
using Sharpgres.Protocol.Backend;
using Sharpgres.Results;
using Sharpgres.Types.Containers;

namespace Sharpgres.Types.UserTypes;

/// <summary>
/// A composite type ↔ a record or class (see <see cref="CompositeMapping{T}"/>). Binary (record_send): field count,
/// then per field its type OID, length and bytes; text (record_out): (1,"a b",) with an empty field for NULL.
/// Parameters go binary when every mapped field's .NET type is the natural type of the field's codec, else as
/// text (which lets the server convert, e.g. a long member into an int4 field).
/// Created by <c>conn.Types.RegisterComposite&lt;T&gt;("card")</c>.
/// </summary>
internal sealed class CompositeCodec<[DynamicallyAccessedMembers(MappedMembers.Composite)] T> : PgCodec<T> where T : notnull
{
    private readonly TypeInfo _info;
    private readonly TypeRegistry _owner;
    private readonly CompositeMapping<T> _mapping;
    private readonly FieldDescription[][] _fields;   // per format
    private bool? _binaryWrites;

    public CompositeCodec(TypeInfo info, TypeRegistry owner)
    {
        _info = info;
        _owner = owner;
        _mapping = new CompositeMapping<T>(info.Name, info.Fields);
        _fields = [Describe(PgFormat.Text), Describe(PgFormat.Binary)];
    }

    private FieldDescription[] Describe(PgFormat format) =>
        _info.Fields.Select(f => new FieldDescription(f.Name, 0, 0, f.TypeOid, -1, -1, (short)format)).ToArray();

    public override uint Oid => _info.Oid;
    public override string PgTypeName => _info.Name;
    public override bool CanReadBinary => _info.Fields.All(f => _owner.ForOid(f.TypeOid) is { CanReadBinary: true });

    public override T Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        var count = _info.Fields.Count;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, data.Length));
        var ranges = new (int Start, int Length)[count];
        try
        {
            var fields = format == PgFormat.Binary ? ParseBinary(data, buffer, ranges) : ParseText(data, buffer, ranges);
            return _mapping.Build(new CompositeAccess(buffer, ranges, fields, context));
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    private FieldDescription[] ParseBinary(ReadOnlySpan<byte> data, byte[] buffer, (int, int)[] ranges)
    {
        data.CopyTo(buffer);
        var fields = _fields[1];
        var count = data.Length >= 4 ? BinaryPrimitives.ReadInt32BigEndian(data) : -1;
        if (count != ranges.Length)
            throw new DataError($"the composite {_info.Name} has {count} fields, {ranges.Length} when it was registered: register it again");
        var position = 4;
        for (var i = 0; i < count; i++)
        {
            if (position + 8 > data.Length) throw new DataError("binary record value truncated");
            var oid = BinaryPrimitives.ReadUInt32BigEndian(data[position..]);
            var length = BinaryPrimitives.ReadInt32BigEndian(data[(position + 4)..]);
            position += 8;
            if (oid != fields[i].TypeOid)
            {
                if (ReferenceEquals(fields, _fields[1])) fields = (FieldDescription[])fields.Clone();
                fields[i] = fields[i] with { TypeOid = oid };
            }
            if (length < 0) { ranges[i] = (0, -1); continue; }
            if (position + length > data.Length) throw new DataError("binary record value truncated");
            ranges[i] = (position, length);
            position += length;
        }
        return fields;
    }

    /// <summary>record_out's syntax: an empty field is NULL, "" an empty string; quotes may be doubled or escaped.</summary>
    private FieldDescription[] ParseText(ReadOnlySpan<byte> data, byte[] buffer, (int, int)[] ranges)
    {
        var scanner = new TextScanner(data);
        try
        {
            scanner.SkipSpaces();
            scanner.Expect((byte)'(', "record");
            for (var i = 0; i < ranges.Length; i++)
            {
                if (i > 0) scanner.Expect((byte)',', "record");
                var (start, length, literal) = scanner.ReadValue([(byte)',', (byte)')'], trimSpaces: false, doubledQuotes: true);
                ranges[i] = length == 0 && !literal ? (0, -1) : (start, length);
            }
            scanner.Expect((byte)')', "record");
            scanner.Scratch.AsSpan(0, Math.Min(buffer.Length, scanner.Scratch.Length)).CopyTo(buffer);
            return _fields[0];
        }
        finally { scanner.ReturnScratch(); }
    }

    public override PgFormat ParameterFormat(object value) => (_binaryWrites ??= ComputeBinaryWrites()) ? PgFormat.Binary : PgFormat.Text;

    /// <summary>Binary needs each field written by the field type's own codec, which takes the member's type.</summary>
    private bool ComputeBinaryWrites()
    {
        for (var i = 0; i < _info.Fields.Count; i++)
        {
            if (_mapping.MemberTypes[i] is not { } memberType) continue;
            var type = Nullable.GetUnderlyingType(memberType) ?? memberType;
            if (_owner.ForOid(_info.Fields[i].TypeOid) is not { } codec || codec.ClrType != type) return false;
        }
        return true;
    }

    internal override void Write(WriteBuffer buffer, T value, PgFormat format, in ReadContext context)
    {
        var fields = _info.Fields;
        if (format == PgFormat.Binary)
        {
            buffer.WriteInt32(fields.Count);
            for (var i = 0; i < fields.Count; i++)
            {
                buffer.WriteUInt32(fields[i].TypeOid);
                var field = _mapping.Getters[i]?.Invoke(value);
                if (field is null) { buffer.WriteInt32(-1); continue; }
                var codec = context.Types.ForOid(fields[i].TypeOid)
                    ?? throw new ProgrammingError($"no codec for field '{fields[i].Name}' of {_info.Name}");
                var at = buffer.ReserveLength();
                codec.WriteObject(buffer, field, PgFormat.Binary, context);
                buffer.PatchLength(at);
            }
            return;
        }
        buffer.WriteByte((byte)'(');
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0) buffer.WriteByte((byte)',');
            var field = _mapping.Getters[i]?.Invoke(value);
            if (field is null) continue;
            var start = buffer.Position;
            context.Types.ForParameter(field).WriteObject(buffer, field, PgFormat.Text, context);
            TextSyntax.Record.QuoteWritten(buffer, start);
        }
        buffer.WriteByte((byte)')');
    }
}
