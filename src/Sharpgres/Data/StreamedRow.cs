using System.Buffers.Binary;
using Sharpgres.Protocol;

namespace Sharpgres.Data;

/// <summary>
/// A DataRow read in pieces, straight from the socket (CommandBehavior.SequentialAccess with a row too long to buffer
/// whole): the column count, then each column's length and bytes in order. A column read whole (a typed getter) is
/// buffered by itself; <see cref="ReadAsync"/> (GetStream, GetBytes, GetChars) moves through a column without
/// buffering it. Columns can only be visited forward, as ADO.NET's SequentialAccess says.
/// </summary>
internal sealed class StreamedRow(Session session)
{
    private ReadBuffer Reader => session.Reader;
    private bool _started;
    private int _next;            // the column whose length comes next
    private int _current = -1;    // the column positioned on
    private int _length;          // its length, -1 for NULL
    private long _consumed;       // its bytes already read or skipped
    private long _row;

    /// <summary>Bumped per row: a stream or reader handed out for a column stops working when the row changes.</summary>
    public long Row => _row;

    public int Current => _current;
    public int Length => _length;
    public long Consumed => _consumed;

    /// <summary>
    /// A new row has arrived as its header (nothing of it is read yet), or the reader moves on: either way, streams
    /// handed out for the previous row stop working.
    /// </summary>
    public void Reset()
    {
        _row++;
        _started = false;
        _next = 0;
        _current = -1;
        _length = 0;
        _consumed = 0;
    }

    /// <summary>Positions on column <paramref name="ordinal"/>, skipping what is left of the columns before it.</summary>
    public async ValueTask SeekAsync(int ordinal, bool async)
    {
        if (ordinal == _current) return;
        if (ordinal < _current)
            throw new InvalidOperationException($"column {ordinal} can't be read after column {_current} with CommandBehavior.SequentialAccess: read the columns in order");
        try
        {
            if (!_started)
            {
                await Reader.EnsurePartialAsync(2, async).ConfigureAwait(false);
                Reader.ConsumePartial(2);   // the column count: the row description already says it
                _started = true;
            }
            if (_current >= 0 && _length > 0) await Reader.SkipPartialAsync(_length - _consumed, async).ConfigureAwait(false);
            while (true)
            {
                await Reader.EnsurePartialAsync(4, async).ConfigureAwait(false);
                var length = BinaryPrimitives.ReadInt32BigEndian(Reader.PeekPartial(4));
                Reader.ConsumePartial(4);
                var column = _next++;
                if (column == ordinal)
                {
                    (_current, _length, _consumed) = (column, length, 0);
                    return;
                }
                if (length > 0) await Reader.SkipPartialAsync(length, async).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not InvalidOperationException)
        {
            throw session.Break(e);
        }
    }

    /// <summary>Positions on the column and buffers all of it (a typed getter's read): <see cref="Bytes"/> is then valid.</summary>
    public async ValueTask WholeAsync(int ordinal, bool async)
    {
        await SeekAsync(ordinal, async).ConfigureAwait(false);
        if (_length <= 0) return;
        if (_consumed > 0)
            throw new InvalidOperationException($"part of column {ordinal} was already read (GetBytes, GetChars or a stream): with CommandBehavior.SequentialAccess it can't be read whole any more");
        try { await Reader.EnsurePartialAsync(_length, async).ConfigureAwait(false); }
        catch (Exception e) { throw session.Break(e); }
    }

    /// <summary>The current column's bytes after <see cref="WholeAsync"/> (valid until the reader moves on).</summary>
    public ReadOnlySpan<byte> Bytes => _length > 0 ? Reader.PeekPartial(_length) : default;

    /// <summary>Reads the next bytes of the current column (0 at its end), never buffering more than the receive buffer holds.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> destination, bool async)
    {
        var left = _length - _consumed;
        if (left <= 0 || destination.Length == 0) return 0;
        int n;
        try { n = await Reader.ReadPartialAsync(destination[..(int)Math.Min(destination.Length, left)], async).ConfigureAwait(false); }
        catch (Exception e) { throw session.Break(e); }
        _consumed += n;
        return n;
    }

    /// <summary>Skips the next <paramref name="count"/> bytes of the current column.</summary>
    public async ValueTask SkipAsync(long count, bool async)
    {
        count = Math.Min(count, _length - _consumed);
        if (count <= 0) return;
        try { await Reader.SkipPartialAsync(count, async).ConfigureAwait(false); }
        catch (Exception e) { throw session.Break(e); }
        _consumed += count;
    }
}
