using Sharpgres.Protocol.Backend;
using Sharpgres.Types;

namespace Sharpgres.Results;

/// <summary>What every Row of one result shares: the columns, how to decode them, and (for buffered rows) their bytes.</summary>
internal interface IRowSource
{
    RowDescription Shape { get; }
    ReadContext Context { get; }
    PgCodec? CodecAt(int ordinal);
    /// <summary>The DataRow body of a buffered row; streamed rows carry their own copy.</summary>
    ReadOnlySpan<byte> RowData(int index);
}

/// <summary>The shared part of streamed rows: one per stream and result shape, with the codecs looked up once.</summary>
internal sealed class StreamedRows(RowDescription shape, ReadContext context) : IRowSource
{
    private readonly PgCodec?[] _codecs = shape.Fields.Select(f => context.Types.ForOid(f.TypeOid)).ToArray();

    public RowDescription Shape { get; } = shape;
    public ReadContext Context { get; } = context;
    public PgCodec? CodecAt(int ordinal) => _codecs[ordinal];
    public ReadOnlySpan<byte> RowData(int index) => throw new InvalidOperationException("a streamed row owns its bytes");
}
