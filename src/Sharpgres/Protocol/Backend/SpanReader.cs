using System.Buffers.Binary;
using System.Text;

namespace Sharpgres.Protocol.Backend;

/// <summary>Sequential big-endian reads over a message payload; no allocation except for the strings it returns.</summary>
internal ref struct SpanReader(ReadOnlySpan<byte> span)
{
    private readonly ReadOnlySpan<byte> _span = span;
    private int _position;

    public readonly int Remaining => _span.Length - _position;
    public readonly ReadOnlySpan<byte> Rest => _span[_position..];

    public byte ReadByte() => _span[_position++];
    public short ReadInt16() { var v = BinaryPrimitives.ReadInt16BigEndian(_span[_position..]); _position += 2; return v; }
    public int ReadInt32() { var v = BinaryPrimitives.ReadInt32BigEndian(_span[_position..]); _position += 4; return v; }
    public uint ReadUInt32() { var v = BinaryPrimitives.ReadUInt32BigEndian(_span[_position..]); _position += 4; return v; }

    public ReadOnlySpan<byte> ReadBytes(int count) { var s = _span.Slice(_position, count); _position += count; return s; }

    /// <summary>A NUL-terminated UTF-8 string.</summary>
    public string ReadCString()
    {
        var rest = _span[_position..];
        var end = rest.IndexOf((byte)0);
        if (end < 0) throw new InterfaceError("malformed message from the server: unterminated string");
        _position += end + 1;
        return Encoding.UTF8.GetString(rest[..end]);
    }
}
