using System.Diagnostics.CodeAnalysis;
using System.Buffers.Binary;
using System.Collections;
using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Sharpgres.Protocol.Backend;
using Sharpgres.Results;
using Sharpgres.Types;

namespace Sharpgres.Data;

/// <summary>
/// Reads a command's results forward, one row at a time, straight from the receive buffer (as <c>Cursor.Stream</c>):
/// a row is the DataRow message itself, decoded only by the getter that asks, with the same codecs as
/// <see cref="Row"/>. Typed getters (<see cref="GetInt32"/>, <see cref="GetFieldValue{T}"/>) decode without boxing.
/// The connection is busy until the reader is closed; closing reads the remaining results to the end.
/// </summary>
public sealed class SharpgresDataReader : DbDataReader
{
    private readonly SharpgresConnection _owner;
    private SharpgresCommand? _command;
    private CommandRun _run;
    private CommandBehavior _behavior;
    private bool _closed;
    private bool _hasResult;        // positioned on a result set (a statement with rows or a row description)
    private bool _onRow;
    private bool _rowPending;       // the first row was read ahead (HasRows) and not handed out yet
    private bool _resultDone;       // the current result's CommandComplete has been read
    private int _resultCount;
    private int _resultStatement = -1;
    private long _rowsInResult;
    private bool _errorRaised;
    private PgCodec?[] _codecs = [];
    // Each column's typed reader (a DirectRead<T>) once GetFieldValue<T> read it as a type its codec reads itself: a
    // loop reads the same columns as the same types row after row, so the checks that pick the reader (a
    // variant-interface cast, ≈ 40 ns a value) run once per column and result, not per value. Reset with the codecs.
    private object?[] _direct = [];
    private (int Start, int Length)[] _ranges = [];
    private long _rangesRow = -1;
    private long _rowSerial;
    private StreamedRow? _streamed;            // SequentialAccess: long rows are read in pieces (made at the first one)
    private bool _streamedRow;                  // the current row is one of them
    private ColumnStream? _columnStream;
    private StreamReader? _charReader;
    private int _charOrdinal = -1;
    private long _charPosition;

    /// <summary>Under SequentialAccess, rows longer than this are not buffered whole: their columns are read from the socket.</summary>
    internal const int StreamRowsAbove = 64 * 1024;

    internal SharpgresDataReader(SharpgresConnection owner, SharpgresCommand? command, CommandRun run, CommandBehavior behavior)
    {
        _owner = owner;
        _command = command;
        _run = run;
        _behavior = behavior;
        if ((behavior & CommandBehavior.SequentialAccess) != 0) run.StreamRowsAbove = StreamRowsAbove;
    }

    /// <summary>
    /// The connection's last reader, closed, made the reader of its next command (Npgsql recycles its reader the same
    /// way): a point query then allocates no reader, no run and no column arrays. A reference kept to the closed reader
    /// sees the new command's results.
    /// </summary>
    internal void Reuse(SharpgresCommand? command, CommandRun run, CommandBehavior behavior)
    {
        _command = command;
        _run = run;
        _behavior = behavior;
        _closed = false;
        _hasResult = false;
        _onRow = false;
        _rowPending = false;
        _resultDone = false;
        _resultCount = 0;
        _resultStatement = -1;
        _rowsInResult = 0;
        _errorRaised = false;
        _rangesRow = -1;
        _streamedRow = false;
        _columnStream = null;
        _charReader = null;
        _charOrdinal = -1;
        _charPosition = 0;
        if ((behavior & CommandBehavior.SequentialAccess) != 0) run.StreamRowsAbove = StreamRowsAbove;
    }

    /// <summary>A DataRow arrived: whole in the receive buffer, or (SequentialAccess, a long one) as its header only.</summary>
    private void RowArrived()
    {
        _streamedRow = _run.RowIsPartial;
        if (!_streamedRow) return;
        // Dapper asks SequentialAccess for every query: the row streamer is made only when a long row comes.
        _streamed ??= new StreamedRow(_owner.Inner.Session);
        _streamed.Reset();
        _columnStream = null;
        _charReader = null;
        _charOrdinal = -1;
    }

    /// <summary>Positions on the first result set (reading its first row ahead), raising the first statement's error.</summary>
    internal async ValueTask InitializeAsync(bool async)
    {
        try
        {
            await MoveToNextResultAsync(async).ConfigureAwait(false);
        }
        catch
        {
            await CloseCoreAsync(async, rethrow: false).ConfigureAwait(false);
            throw;
        }
    }

    internal CommandRun Run => _run;

    /// <summary>The command that made this reader, null for batches.</summary>
    internal SharpgresCommand? Command => _command;

    private RowDescription? Description => _hasResult ? _run.DescriptionOf(_resultStatement) : null;

    // ---- moving --------------------------------------------------------------------------------------------------

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> MoveToNextResultAsync(bool async)
    {
        _hasResult = false;
        _onRow = false;
        _rowPending = false;
        _resultDone = false;
        _rowsInResult = 0;
        while (true)
        {
            var statement = _run.Statement;
            var ev = await _run.NextAsync(async).ConfigureAwait(false);
            switch (ev)
            {
                case RunEvent.Row:
                    EnterResult(statement);
                    RowArrived();
                    _rowPending = true;
                    OnFirstRow();
                    return true;
                case RunEvent.Described:
                    EnterResult(statement);
                    await PeekAsync(async).ConfigureAwait(false);
                    return true;
                case RunEvent.StatementDone when _run.DescriptionOf(statement) is not null:
                    EnterResult(statement);
                    _resultDone = true;
                    return true;
                case RunEvent.StatementDone:
                    continue;
                case RunEvent.Failed:
                    await RaiseAsync(async).ConfigureAwait(false);
                    return false;
                default:
                    return false;
            }
        }
    }

    private void EnterResult(int statement)
    {
        _hasResult = true;
        _resultStatement = statement;
        _resultCount++;
        var fields = _fields = _run.DescriptionOf(statement)!.Fields;
        if (_codecs.Length != fields.Length) { _codecs = new PgCodec?[fields.Length]; _direct = new object?[fields.Length]; }
        else Array.Clear(_direct);
        var types = _run.Context.Types;
        for (var i = 0; i < fields.Length; i++) _codecs[i] = types.ForOid(fields[i].TypeOid);
        if (_ranges.Length < fields.Length) _ranges = new (int, int)[fields.Length];
    }

    private async ValueTask PeekAsync(bool async)
    {
        var ev = await _run.NextAsync(async).ConfigureAwait(false);
        switch (ev)
        {
            case RunEvent.Row: RowArrived(); _rowPending = true; OnFirstRow(); break;
            case RunEvent.StatementDone: _resultDone = true; break;
            case RunEvent.Failed: await RaiseAsync(async).ConfigureAwait(false); break;
        }
    }

    /// <summary>Output parameters take the first row's columns (by name, else by position), as Npgsql does.</summary>
    private void OnFirstRow()
    {
        if (_resultCount != 1 || _command is null || !_command.Parameters.HasOutputs) return;
        _rowSerial++;
        _onRow = true;
        try { _command.FillOutputs(this); }
        finally { _onRow = false; }
    }

    /// <summary>Reads to the end, then raises the server's error (once).</summary>
    private async ValueTask RaiseAsync(bool async)
    {
        _hasResult = false;
        _onRow = false;
        var error = await _run.DrainAsync(async).ConfigureAwait(false);
        if (error is null || _errorRaised) return;
        _errorRaised = true;
        throw error;
    }

    /// <inheritdoc />
    public override bool Read() => ReadAsync(false).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<bool>(cancellationToken);
        var read = ReadAsync(true);
        return read.IsCompletedSuccessfully ? (read.Result ? TrueTask : FalseTask) : read.AsTask();
    }

    private static readonly Task<bool> TrueTask = Task.FromResult(true);
    private static readonly Task<bool> FalseTask = Task.FromResult(false);

    private ValueTask<bool> ReadAsync(bool async)
    {
        CheckOpen();
        if (!_hasResult) return new(false);
        if ((_behavior & CommandBehavior.SingleRow) != 0 && _rowsInResult >= 1) { _onRow = false; return new(false); }
        if (_rowPending)
        {
            _rowPending = false;
            return new(OnRow());
        }
        if (_resultDone) { _onRow = false; return new(false); }
        if (_run.TryNextBufferedRow())
        {
            _streamed?.Reset();
            RowArrived();
            return new(OnRow());
        }
        return ReadNextAsync(async);
    }

    private bool OnRow()
    {
        _onRow = true;
        _rowsInResult++;
        _rowSerial++;
        return true;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadNextAsync(bool async)
    {
        _onRow = false;
        _streamed?.Reset();
        var ev = await _run.NextAsync(async).ConfigureAwait(false);
        switch (ev)
        {
            case RunEvent.Row:
                RowArrived();
                return OnRow();
            case RunEvent.StatementDone:
                _resultDone = true;
                return false;
            case RunEvent.Failed:
                await RaiseAsync(async).ConfigureAwait(false);
                return false;
            default:
                _resultDone = true;
                return false;
        }
    }

    /// <inheritdoc />
    public override bool NextResult() => NextResultAsync(false).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task<bool> NextResultAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<bool>(cancellationToken);
        return NextResultAsync(true).AsTask();
    }

    private async ValueTask<bool> NextResultAsync(bool async)
    {
        CheckOpen();
        _streamed?.Reset();
        if (_run.Finished) { _hasResult = false; _onRow = false; return false; }
        if ((_behavior & (CommandBehavior.SingleResult | CommandBehavior.SingleRow)) != 0 && _resultCount > 0)
        {
            _hasResult = false;
            _onRow = false;
            return false;
        }
        // The rest of the current result is read and dropped.
        while (_hasResult && !_resultDone)
        {
            var ev = await _run.NextAsync(async).ConfigureAwait(false);
            if (ev == RunEvent.StatementDone || ev == RunEvent.Finished) _resultDone = true;
            else if (ev == RunEvent.Failed) { await RaiseAsync(async).ConfigureAwait(false); return false; }
        }
        return await MoveToNextResultAsync(async).ConfigureAwait(false);
    }

    // ---- state ---------------------------------------------------------------------------------------------------

    /// <inheritdoc />
    public override int Depth => 0;

    /// <inheritdoc />
    public override bool IsClosed => _closed;

    /// <summary>ADO.NET's rule: rows inserted, updated, deleted, merged or copied by the statements read so far; -1 when none.</summary>
    public override int RecordsAffected
    {
        get
        {
            long total = -1;
            for (var i = 0; i < _run.StatementCount; i++)
            {
                var n = CommandRun.Affected(_run.TagOf(i));
                if (n >= 0) total = Math.Max(total, 0) + n;
            }
            return total > int.MaxValue ? int.MaxValue : (int)total;
        }
    }

    /// <summary>True when the current result set has at least one row (read ahead, not consumed).</summary>
    public override bool HasRows
    {
        get
        {
            CheckOpen();
            return _hasResult && (_rowPending || _rowsInResult > 0);
        }
    }

    /// <summary>The number of columns of the current result; 0 for statements without rows.</summary>
    public override int FieldCount
    {
        get
        {
            CheckOpen();
            return Description?.Count ?? 0;
        }
    }

    /// <inheritdoc />
    public override object this[int ordinal] => GetValue(ordinal);

    /// <inheritdoc />
    public override object this[string name] => GetValue(GetOrdinal(name));

    private void CheckOpen()
    {
        if (_closed) throw new InvalidOperationException("the data reader is closed");
    }

    // The current result's columns, set with _hasResult (EnterResult): a typed getter's checks are two field reads.
    private FieldDescription[] _fields = [];

    private FieldDescription Field(int ordinal)
    {
        var fields = _fields;
        if (_hasResult && !_closed && (uint)ordinal < (uint)fields.Length) return fields[ordinal];
        return FieldChecked(ordinal);
    }

    /// <summary>The checks behind <see cref="Field"/>, each with its own message.</summary>
    private FieldDescription FieldChecked(int ordinal)
    {
        CheckOpen();
        var description = Description ?? throw new InvalidOperationException("no result set: the statement returned no rows (it has no columns)");
        if ((uint)ordinal >= (uint)description.Count)
            throw new IndexOutOfRangeException($"column index {ordinal} out of range: the result has {description.Count} columns");
        return description.Fields[ordinal];
    }

    /// <summary>The bytes of a column of the current row (length -1 for NULL).</summary>
    private ReadOnlySpan<byte> Column(int ordinal, out int length, out FieldDescription field)
    {
        field = Field(ordinal);
        if (!_onRow) throw new InvalidOperationException("no current row: call Read() first (and check it returned true)");
        if (_streamedRow)
        {
            _streamed!.WholeAsync(ordinal, false).GetAwaiter().GetResult();
            length = _streamed.Length;
            return _streamed.Bytes;
        }
        var row = _run.CurrentRow;
        if (_rangesRow != _rowSerial)
        {
            // One walk of the DataRow (Int16 count, then Int32 length and bytes per column), kept for this row.
            var position = 2;
            var count = Description!.Count;
            for (var i = 0; i < count; i++)
            {
                var len = BinaryPrimitives.ReadInt32BigEndian(row[position..]);
                position += 4;
                _ranges[i] = (position, len);
                if (len > 0) position += len;
            }
            _rangesRow = _rowSerial;
        }
        var (start, l) = _ranges[ordinal];
        length = l;
        return l > 0 ? row.Slice(start, l) : default;
    }

    // ---- values --------------------------------------------------------------------------------------------------

    /// <summary>The value as the same .NET type <see cref="Row"/> gives; <see cref="DBNull.Value"/> for NULL.</summary>
    public override object GetValue(int ordinal)
    {
        var data = Column(ordinal, out var length, out var field);
        if (length < 0) return DBNull.Value;
        return ColumnValue.ReadObject(data, length, field, _codecs[ordinal], _run.Context)!;
    }

    /// <inheritdoc />
    public override int GetValues(object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckOpen();
        if (!_onRow) throw new InvalidOperationException("no current row: call Read() first (and check it returned true)");
        var n = Math.Min(values.Length, FieldCount);
        for (var i = 0; i < n; i++) values[i] = GetValue(i);
        return n;
    }

    /// <summary>
    /// The value as <typeparamref name="T"/>, decoded by the column's codec without boxing (every type of
    /// <c>docs/types.md</c>, <c>T?</c> for NULLs, <see cref="Stream"/> and <see cref="TextReader"/> too). NULL read as
    /// a non-nullable type raises <see cref="InvalidCastException"/>.
    /// </summary>
    public override T GetFieldValue<T>(int ordinal)
    {
        if (typeof(T) == typeof(object)) return (T)GetValue(ordinal);
        if (typeof(T) == typeof(Stream)) return (T)(object)GetStream(ordinal);
        if (typeof(T) == typeof(TextReader)) return (T)(object)GetTextReader(ordinal);
        var data = Column(ordinal, out var length, out var field);
        if (typeof(T) == typeof(DBNull))
            return length < 0 ? (T)(object)DBNull.Value : throw new InvalidCastException($"column '{field.Name}' is not NULL: it can't be read as DBNull");
        if (length < 0)
        {
            if (default(T) is null && Nullable.GetUnderlyingType(typeof(T)) is not null) return default!;
            throw new InvalidCastException($"column '{field.Name}' is NULL: check IsDBNull first or read it as a nullable type");
        }
        if (_direct[ordinal] is DirectRead<T> direct) return direct.Reader.Read(data, direct.Format, _run.Context);
        var codec = _codecs[ordinal];
        if (ReaderConversions<T>.IsDirect(codec, out var reader)) _direct[ordinal] = new DirectRead<T>(reader, (PgFormat)field.FormatCode);
        return ReaderConversions<T>.Read(data, length, field, codec, _run.Context);
    }

    /// <inheritdoc />
    public override Task<T> GetFieldValueAsync<T>(int ordinal, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<T>(cancellationToken);
        if (_streamedRow && _onRow && typeof(T) != typeof(Stream) && typeof(T) != typeof(TextReader)) return StreamedFieldValueAsync<T>(ordinal);
        try { return Task.FromResult(GetFieldValue<T>(ordinal)); }
        catch (Exception e) { return Task.FromException<T>(e); }
    }

    /// <summary>A column of a row read in pieces, received asynchronously, then decoded as <see cref="GetFieldValue{T}"/> does.</summary>
    private async Task<T> StreamedFieldValueAsync<T>(int ordinal)
    {
        Field(ordinal);
        await _streamed!.WholeAsync(ordinal, true).ConfigureAwait(false);
        return GetFieldValue<T>(ordinal);
    }

    /// <inheritdoc />
    public override bool IsDBNull(int ordinal)
    {
        if (_streamedRow && _onRow)
        {
            Field(ordinal);
            _streamed!.SeekAsync(ordinal, false).GetAwaiter().GetResult();
            return _streamed.Length < 0;
        }
        Column(ordinal, out var length, out _);
        return length < 0;
    }

    /// <inheritdoc />
    public override Task<bool> IsDBNullAsync(int ordinal, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<bool>(cancellationToken);
        if (_streamedRow && _onRow) return StreamedIsDBNullAsync(ordinal);
        try { return IsDBNull(ordinal) ? TrueTask : FalseTask; }
        catch (Exception e) { return Task.FromException<bool>(e); }
    }

    private async Task<bool> StreamedIsDBNullAsync(int ordinal)
    {
        Field(ordinal);
        await _streamed!.SeekAsync(ordinal, true).ConfigureAwait(false);
        return _streamed.Length < 0;
    }

    /// <inheritdoc />
    public override bool GetBoolean(int ordinal) => GetFieldValue<bool>(ordinal);
    /// <inheritdoc />
    public override byte GetByte(int ordinal) => GetFieldValue<byte>(ordinal);
    /// <inheritdoc />
    public override char GetChar(int ordinal) => GetFieldValue<char>(ordinal);
    /// <inheritdoc />
    public override DateTime GetDateTime(int ordinal) => GetFieldValue<DateTime>(ordinal);
    /// <inheritdoc />
    public override decimal GetDecimal(int ordinal) => GetFieldValue<decimal>(ordinal);
    /// <inheritdoc />
    public override double GetDouble(int ordinal) => GetFieldValue<double>(ordinal);
    /// <inheritdoc />
    public override float GetFloat(int ordinal) => GetFieldValue<float>(ordinal);
    /// <inheritdoc />
    public override Guid GetGuid(int ordinal) => GetFieldValue<Guid>(ordinal);
    /// <inheritdoc />
    public override short GetInt16(int ordinal) => GetFieldValue<short>(ordinal);
    /// <inheritdoc />
    public override int GetInt32(int ordinal) => GetFieldValue<int>(ordinal);
    /// <inheritdoc />
    public override long GetInt64(int ordinal) => GetFieldValue<long>(ordinal);
    /// <inheritdoc />
    public override string GetString(int ordinal) => GetFieldValue<string>(ordinal);

    /// <summary>A bytea column's bytes (binary results are the column's wire bytes; text results are decoded once).</summary>
    private ReadOnlySpan<byte> Bytes(int ordinal, bool forStream)
    {
        var data = Column(ordinal, out var length, out var field);
        if (field.TypeOid != Oids.Bytea)
        {
            if (forStream) throw new InvalidOperationException($"column '{field.Name}' is not bytea: GetStream reads binary columns");
            throw new InvalidCastException($"column '{field.Name}' ({GetDataTypeName(ordinal)}) is not bytea");
        }
        if (length < 0) throw new InvalidCastException($"column '{field.Name}' is NULL");
        if (field.FormatCode == 1) return data;
        return ColumnValue.Read<byte[]>(data, length, field, _codecs[ordinal], _run.Context);
    }

    /// <summary>
    /// Copies part of a bytea column (ADO.NET's GetBytes); a null buffer returns the column's length. Under
    /// SequentialAccess a long row's column is read from the socket as asked, forward only, never buffered whole.
    /// </summary>
    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length)
    {
        if (_streamedRow && _onRow)
        {
            var stream = StreamedColumn(ordinal);
            if (buffer is null) return stream.Length;
            CheckCopy(dataOffset, buffer.Length, bufferOffset, length);
            stream.SkipToAsync(dataOffset, false).GetAwaiter().GetResult();
            return ReadFully(stream, buffer, bufferOffset, length);
        }
        var bytes = Bytes(ordinal, forStream: false);
        if (buffer is null) return bytes.Length;
        CheckCopy(dataOffset, buffer.Length, bufferOffset, length);
        if (dataOffset >= bytes.Length) return 0;
        var n = (int)Math.Min(length, bytes.Length - dataOffset);
        bytes.Slice((int)dataOffset, n).CopyTo(buffer.AsSpan(bufferOffset));
        return n;
    }

    /// <summary>
    /// Copies part of a text column's characters (ADO.NET's GetChars); a null buffer returns its length. Under
    /// SequentialAccess a long row's text column is decoded from the socket as asked, forward only.
    /// </summary>
    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        if (_streamedRow && _onRow && IsStreamableText(Field(ordinal)) && (buffer is not null || _charOrdinal == ordinal))
            return StreamedChars(ordinal, dataOffset, buffer, bufferOffset, length);
        var text = GetString(ordinal);
        if (buffer is null) return text.Length;
        CheckCopy(dataOffset, buffer.Length, bufferOffset, length);
        if (dataOffset >= text.Length) return 0;
        var n = (int)Math.Min(length, text.Length - dataOffset);
        text.AsSpan((int)dataOffset, n).CopyTo(buffer.AsSpan(bufferOffset));
        return n;
    }

    private long StreamedChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        if (buffer is null) throw new InvalidOperationException("GetChars with a null buffer (the length) must come before the column's characters are read, under SequentialAccess");
        CheckCopy(dataOffset, buffer.Length, bufferOffset, length);
        var reader = StreamedText(ordinal);
        if (dataOffset < _charPosition)
            throw new InvalidOperationException($"GetChars at offset {dataOffset} after offset {_charPosition} was read: with CommandBehavior.SequentialAccess data is read forward only");
        var skip = new char[Math.Min(4096, Math.Max(1, dataOffset - _charPosition))];
        while (_charPosition < dataOffset)
        {
            var n = reader.Read(skip, 0, (int)Math.Min(skip.Length, dataOffset - _charPosition));
            if (n == 0) return 0;
            _charPosition += n;
        }
        var total = 0;
        while (total < length)
        {
            var n = reader.Read(buffer, bufferOffset + total, length - total);
            if (n == 0) break;
            total += n;
        }
        _charPosition += total;
        return total;
    }

    private static void CheckCopy(long dataOffset, int bufferLength, int bufferOffset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataOffset);
        if (bufferOffset < 0 || bufferOffset > bufferLength) throw new ArgumentOutOfRangeException(nameof(bufferOffset));
        if (length < 0 || bufferOffset + length > bufferLength) throw new ArgumentException("bufferOffset + length is past the buffer's end", nameof(length));
    }

    private static int ReadFully(Stream stream, byte[] buffer, int offset, int length)
    {
        var total = 0;
        while (total < length)
        {
            var n = stream.Read(buffer, offset + total, length - total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>
    /// A bytea column as a read-only stream. Under SequentialAccess a long row's column streams from the socket (sync or
    /// async reads) without being buffered whole, valid until the reader moves to another column or row.
    /// </summary>
    public override Stream GetStream(int ordinal) =>
        _streamedRow && _onRow ? StreamedColumn(ordinal) : new MemoryStream(Bytes(ordinal, forStream: true).ToArray(), writable: false);

    /// <summary>The stream over a bytea column of a row read in pieces (one per column: GetBytes and GetStream share it).</summary>
    private ColumnStream StreamedColumn(int ordinal)
    {
        var field = Field(ordinal);
        if (field.TypeOid != Oids.Bytea) throw new InvalidCastException($"column '{field.Name}' ({GetDataTypeName(ordinal)}) is not bytea");
        if (_columnStream is { } open && _streamed!.Current == ordinal && open.Ordinal == ordinal && open.RowNumber == _streamed.Row) return open;
        _streamed!.SeekAsync(ordinal, false).GetAwaiter().GetResult();
        if (_streamed.Length < 0) throw new InvalidCastException($"column '{field.Name}' is NULL");
        var stream = new ColumnStream(_streamed, ordinal, hex: field.FormatCode == 0);
        stream.StartAsync(false).GetAwaiter().GetResult();
        return _columnStream = stream;
    }

    /// <summary>Text types whose bytes are their UTF-8 characters in both formats (jsonb's binary form after a version byte).</summary>
    private static bool IsStreamableText(FieldDescription field) =>
        field.TypeOid is Oids.Text or Oids.Varchar or Oids.BpChar or Oids.Name or Oids.Json or Oids.Xml or Oids.Unknown or Oids.Jsonb;

    /// <summary>The character reader over a text column of a row read in pieces (GetChars and GetTextReader share it).</summary>
    private StreamReader StreamedText(int ordinal)
    {
        var field = Field(ordinal);
        if (_charReader is { } open && _charOrdinal == ordinal && _streamed!.Current == ordinal) return open;
        _streamed!.SeekAsync(ordinal, false).GetAwaiter().GetResult();
        if (_streamed.Length < 0) throw new InvalidCastException($"column '{field.Name}' is NULL");
        if (field.TypeOid == Oids.Jsonb && field.FormatCode == 1 && _streamed.Consumed == 0) _streamed.SkipAsync(1, false).GetAwaiter().GetResult();
        var stream = new ColumnStream(_streamed, ordinal, hex: false);
        _charOrdinal = ordinal;
        _charPosition = 0;
        return _charReader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096);
    }

    /// <summary>A text column as a reader (under SequentialAccess, a long row's column is decoded from the socket as read).</summary>
    public override TextReader GetTextReader(int ordinal)
    {
        if (_streamedRow && _onRow && IsStreamableText(Field(ordinal))) return StreamedText(ordinal);
        var field = Field(ordinal);
        if (!DbTypes.IsTextLike(DbTypes.FieldType(_codecs[ordinal])))
            throw new InvalidOperationException($"column '{field.Name}' ({GetDataTypeName(ordinal)}) is not text: GetTextReader reads text columns");
        return new StringReader(GetString(ordinal));
    }

    // ---- columns -------------------------------------------------------------------------------------------------

    /// <inheritdoc />
    public override string GetName(int ordinal) => Field(ordinal).Name;

    /// <summary>The column's ordinal: exact name first, then ignoring case; IndexOutOfRangeException when absent.</summary>
    public override int GetOrdinal(string name)
    {
        CheckOpen();
        var description = Description ?? throw new InvalidOperationException("no result set: the statement returned no rows");
        var fields = description.Fields;
        for (var i = 0; i < fields.Length; i++) if (string.Equals(fields[i].Name, name, StringComparison.Ordinal)) return i;
        for (var i = 0; i < fields.Length; i++) if (string.Equals(fields[i].Name, name, StringComparison.OrdinalIgnoreCase)) return i;
        throw new IndexOutOfRangeException($"no column named '{name}' in the result");
    }

    /// <summary>The PostgreSQL type name of the column (<c>int4</c>, <c>text</c>, <c>jsonb</c>, <c>_int4</c> for arrays).</summary>
    public override string GetDataTypeName(int ordinal)
    {
        // The column's own type (varchar, not the text codec that reads it), else the codec's name for types the
        // catalog cache doesn't name.
        var field = Field(ordinal);
        var name = _run.Context.Types.NameOf(field.TypeOid);
        return name != "unknown" ? name : _codecs[ordinal]?.PgTypeName ?? name;
    }

    /// <summary>The .NET type <see cref="GetValue"/> returns for this column.</summary>
    [return: DynamicallyAccessedMembers(TypeForms.Members)]
    public override Type GetFieldType(int ordinal)
    {
        Field(ordinal);
        return DbTypes.DeclaredFieldType(_codecs[ordinal]);
    }

    /// <inheritdoc />
    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);

    /// <summary>The columns of the current result as ADO.NET's schema table (null when it has none).</summary>
    public override DataTable? GetSchemaTable() => ReaderSchema.SchemaTable(this, ColumnSchema());

    /// <inheritdoc />
    public override Task<DataTable?> GetSchemaTableAsync(CancellationToken cancellationToken = default) => Task.FromResult(GetSchemaTable());

    /// <summary>
    /// The columns of the current result: name, PostgreSQL type, .NET type, base table and column, AllowDBNull, and
    /// with <see cref="CommandBehavior.KeyInfo"/> IsKey / IsUnique, read from the catalog.
    /// </summary>
    public System.Collections.ObjectModel.ReadOnlyCollection<DbColumn> GetColumnSchema() => new(ColumnSchema());

    private List<DbColumn> ColumnSchema()
    {
        CheckOpen();
        if (Description is not { } description) return [];
        return ReaderSchema.Columns(_owner, description, _codecs, (_behavior & CommandBehavior.KeyInfo) != 0, _run.Finished);
    }

    // ---- closing -------------------------------------------------------------------------------------------------

    /// <summary>Reads what is left of the results (the connection is free again), raising a later statement's error.</summary>
    public override void Close() => CloseCoreAsync(false, rethrow: true).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task CloseAsync() => CloseCoreAsync(true, rethrow: true).AsTask();

    private async ValueTask CloseCoreAsync(bool async, bool rethrow)
    {
        if (_closed) return;
        _closed = true;
        _onRow = false;
        _streamed?.Reset();
        Exception? error = null;
        try
        {
            error = await _run.DrainAsync(async).ConfigureAwait(false);
        }
        finally
        {
            _owner.ReaderClosed(this);
            if ((_behavior & CommandBehavior.CloseConnection) != 0) await _owner.CloseCoreAsync(async).ConfigureAwait(false);
        }
        if (rethrow && error is not null && !_errorRaised)
        {
            _errorRaised = true;
            throw error;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) Close();
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync() => CloseCoreAsync(true, rethrow: true);
}
