using System.Diagnostics.CodeAnalysis;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sharpgres.Errors;
using Sharpgres.Protocol;
using Sharpgres.Protocol.Backend;
using Sharpgres.Protocol.Frontend;
using Sharpgres.Results;
using Sharpgres.Types;

namespace Sharpgres;

/// <summary>Which way a COPY moves data.</summary>
public enum CopyDirection
{
    /// <summary><c>COPY ... FROM STDIN</c>: the client sends the data (CopyInResponse, then CopyData messages), the server loads it.</summary>
    FromStdin,
    /// <summary><c>COPY ... TO STDOUT</c>: the server sends the data (CopyOutResponse, then CopyData messages), the client reads it.</summary>
    ToStdout,
}

/// <summary>
/// A COPY in progress (psycopg's Copy), from <c>cur.Copy("COPY ... FROM STDIN" | "COPY ... TO STDOUT")</c>.
/// The connection is busy until the COPY ends. FROM STDIN: <see cref="WriteRow"/> encodes rows in the COPY's
/// format (text or binary, as the server announced) with the type codecs, <see cref="Write(ReadOnlySpan{byte})"/>
/// sends raw data (e.g. CSV); data goes out in CopyData messages of about 64 KB, so memory stays bounded. Disposing
/// (or <see cref="Finish"/>) sends CopyDone and raises the server's error if it rejected the data — nothing is loaded
/// then. TO STDOUT: <see cref="ReadRow"/> / <see cref="Rows"/> decode rows, <see cref="Read"/> hands out raw chunks.
/// <para>
/// A synchronous <c>using</c> block that throws sends CopyFail (Dispose sees the exception in flight), so nothing of it
/// is loaded and the exception reaches the caller. <c>await using</c> can't see it: the compiler catches the exception
/// before DisposeAsync runs, which would send CopyDone and load the rows written so far. In async code use
/// <c>await cur.CopyAsync(sql, async copy =&gt; ...)</c>, which sends CopyFail when the body throws, or call
/// <see cref="FailAsync"/> in your own catch.
/// </para>
/// </summary>
public sealed class Copy : IDisposable, IAsyncDisposable
{
    private const int MessageSize = 64 * 1024;

    private readonly Connection _connection;
    private readonly Session _session;
    private readonly Action<string?, long, Exception?> _onEnd;
    private PgCodec?[]? _codecs;
    private readonly CopyColumnCodecs _writeCodecs;
    private uint[]? _oids;
    private RowDescription? _readShape;
    private int _messageLength = -1;   // position of the open CopyData's length field; -1 when none is open
    private bool _headerDone;          // binary: header written (FROM) or skipped (TO)
    private bool _trailerSeen;
    private bool _rawWritten;          // raw data carries its own binary header and trailer
    private byte[] _scratch = [];
    private Error? _error;
    private string? _tag;

    /// <summary>The exception being handled when the COPY started (non-zero inside a catch or finally): not ours.</summary>
    private readonly IntPtr _exceptionAtStart = ExceptionInFlight();

    private Copy(Connection connection, CopyDirection direction, bool binary, int columns, Action<string?, long, Exception?> onEnd)
    {
        _connection = connection;
        _session = connection.Session;
        _writeCodecs = new CopyColumnCodecs(connection.Types);
        Direction = direction;
        Binary = binary;
        ColumnCount = columns;
        _onEnd = onEnd;
    }

    /// <summary>Whether this COPY sends data to the server (FROM STDIN) or reads it from the server (TO STDOUT).</summary>
    public CopyDirection Direction { get; }

    /// <summary>True for FORMAT BINARY; false for text and CSV (the server announces only text or binary).</summary>
    public bool Binary { get; }

    /// <summary>The number of columns the COPY moves, as the server announced.</summary>
    public int ColumnCount { get; }

    /// <summary>True once the COPY is over (finished, failed, or read to the end).</summary>
    public bool Finished { get; private set; }

    /// <summary>The rows the server reports for the COPY ("COPY n"); -1 until it is over.</summary>
    public long RowCount { get; private set; } = -1;

    // ---- Start ---------------------------------------------------------------------------------------------------

    /// <summary>Sends the statement ([BEGIN] Query, simple protocol) and waits for CopyInResponse / CopyOutResponse.</summary>
    internal static async ValueTask<Copy> StartAsync(Connection connection, string sql, Action<string?, long, Exception?> onEnd, bool async, CancellationToken ct)
    {
        if (Queries.SqlText.HasMultipleStatements(sql)) throw new ProgrammingError("COPY cannot be mixed with other statements in Copy()");
        var session = connection.Session;
        session.EnterOperation();
        var registration = session.RegisterCancellation(ct);
        Copy? copy = null;
        try
        {
            var begin = connection.NeedsBegin;
            if (begin) session.Writer.WriteQuery(connection.BeginStatement());
            session.Writer.WriteQuery(sql);
            await session.FlushAsync(async, ct).ConfigureAwait(false);
            Error? error = null;
            while (copy is null)
            {
                var code = await session.ReadMessageAsync(async, ct).ConfigureAwait(false);
                switch (code)
                {
                    case BackendMessageCode.CopyInResponse or BackendMessageCode.CopyOutResponse:
                    {
                        var reader = new SpanReader(session.Reader.Payload);
                        var binary = reader.ReadByte() == 1;
                        int columns = reader.ReadInt16();
                        var direction = code == BackendMessageCode.CopyInResponse ? CopyDirection.FromStdin : CopyDirection.ToStdout;
                        copy = new Copy(connection, direction, binary, columns, onEnd);
                        break;
                    }
                    case BackendMessageCode.CopyBothResponse:
                        throw session.Unexpected(code, "CopyInResponse or CopyOutResponse (replication is not supported)");
                    case BackendMessageCode.ErrorResponse:
                        error ??= Error.FromDiagnostics(ErrorResponse.Parse(session.Reader.Payload));
                        break;
                    case BackendMessageCode.ReadyForQuery:
                        session.OnReadyForQuery();
                        if (begin) { begin = false; break; }
                        throw error ?? new ProgrammingError("Copy() runs only COPY ... FROM STDIN or COPY ... TO STDOUT statements");
                }
            }
            return copy;
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            session.ClearCancelDeadline();
            if (copy is null) session.ExitOperation();
        }
    }

    // ---- Types ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// The types of the columns, by name ("int8", "bigint", "text", "varchar(20)"): binary rows are written with these
    /// codecs (an int into a bigint column), and rows read are decoded as these types instead of strings / bytes.
    /// </summary>
    public void SetTypes(params string[] typeNames) =>
        SetTypes(typeNames.Select(n => CopyValues.OidOf(n, _connection.Types)).ToArray());

    /// <summary>The types of the columns by OID (<see cref="Oids"/>, or any OID the registry has a codec for).</summary>
    public void SetTypes(params uint[] oids)
    {
        if (oids.Length != ColumnCount)
            throw new ProgrammingError($"SetTypes got {oids.Length} types for a COPY of {ColumnCount} columns");
        var codecs = new PgCodec?[oids.Length];
        for (var i = 0; i < oids.Length; i++) codecs[i] = _connection.Types.ForOid(oids[i]);
        if (Direction == CopyDirection.FromStdin && Binary && Array.IndexOf(codecs, null) is var missing and >= 0)
            throw new NotSupportedError($"no codec for type oid {oids[missing]}: binary COPY can't write it (use text COPY)");
        _oids = oids;
        _codecs = codecs;
        _writeCodecs.Declare(codecs);
        _readShape = null;
    }

    // ---- FROM STDIN ----------------------------------------------------------------------------------------------

    /// <summary>Writes one row, encoded in the COPY's format with the codecs of the values (or of SetTypes).</summary>
    public void WriteRow(params object?[] values)
    {
        EncodeRow(values);
        // Only a full buffer needs the I/O path: a million rows don't each run an async state machine.
        if (_session.Writer.Position >= MessageSize) FlushIfFullAsync(false, default).GetAwaiter().GetResult();
    }

    /// <summary>Async twin of <see cref="WriteRow"/>: encodes one row in the COPY's format and sends it when the buffer fills; cancelling sends a CancelRequest.</summary>
    public ValueTask WriteRowAsync(object?[] values, CancellationToken cancellationToken = default)
    {
        EncodeRow(values);
        return _session.Writer.Position >= MessageSize ? FlushIfFullAsync(true, cancellationToken) : ValueTask.CompletedTask;
    }

    private void EncodeRow(object?[] values)
    {
        CheckWritable();
        // A row of the wrong length goes as it is, as psycopg: the server rejects it as BadCopyFileFormat (a
        // DataError: "extra data after last expected column"), which is what code catching bad rows expects.
        var w = _session.Writer;
        OpenMessage();
        if (Binary && !_headerDone) { CopyBinaryFormat.WriteHeader(w); _headerDone = true; }
        var rowStart = w.Position;
        try
        {
            var context = _connection.ReadContext;
            if (Binary) CopyBinaryFormat.WriteRow(w, values, _writeCodecs, context);
            else CopyTextFormat.WriteRow(w, values, _writeCodecs, context);
        }
        catch
        {
            w.Truncate(rowStart);   // a value that can't be encoded leaves nothing of its row behind
            throw;
        }
    }

    /// <summary>Sends raw COPY data (text, CSV or binary, as the statement says), e.g. lines of a CSV file.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        CheckWritable();
        WriteChunk(data);
        FlushIfFullAsync(false, default).GetAwaiter().GetResult();
    }

    /// <summary>Sends raw COPY data given as text (lines in the COPY's text or CSV format, newline-terminated), encoded as UTF-8.</summary>
    public void Write(string text) => Write(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Async twin of <see cref="Write(ReadOnlySpan{byte})"/>: sends raw COPY data (text, CSV or binary format bytes) as CopyData messages.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        CheckWritable();
        WriteChunk(data.Span);
        await FlushIfFullAsync(true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Async twin of <see cref="Write(string)"/>: sends raw COPY text data, encoded as UTF-8.</summary>
    public ValueTask WriteAsync(string text, CancellationToken cancellationToken = default) =>
        WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>Pipes a whole stream (a CSV file, another COPY's output) into the COPY, 64 KB at a time.</summary>
    public void CopyFrom(Stream source) => CopyFromCoreAsync(source, false, default).GetAwaiter().GetResult();

    /// <summary>Async twin of <see cref="CopyFrom"/>: pipes a whole stream into the COPY FROM STDIN, 64 KB at a time.</summary>
    public Task CopyFromAsync(Stream source, CancellationToken cancellationToken = default) =>
        CopyFromCoreAsync(source, true, cancellationToken).AsTask();

    private async ValueTask CopyFromCoreAsync(Stream source, bool async, CancellationToken ct)
    {
        CheckWritable();
        var buffer = ArrayPool<byte>.Shared.Rent(MessageSize);
        try
        {
            while (true)
            {
                var n = async ? await source.ReadAsync(buffer.AsMemory(0, MessageSize), ct).ConfigureAwait(false) : source.Read(buffer, 0, MessageSize);
                if (n == 0) break;
                WriteChunk(buffer.AsSpan(0, n));
                await FlushIfFullAsync(async, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void WriteChunk(ReadOnlySpan<byte> data)
    {
        _rawWritten = true;
        _headerDone = true;
        var w = _session.Writer;
        while (data.Length > 0)
        {
            OpenMessage();
            var room = Math.Max(1, MessageSize - (w.Position - _messageLength));
            var part = data[..Math.Min(room, data.Length)];
            w.WriteBytes(part);
            data = data[part.Length..];
            if (data.Length > 0) CloseMessage();
        }
    }

    private void OpenMessage()
    {
        if (_messageLength >= 0) return;
        var w = _session.Writer;
        w.WriteByte((byte)'d');
        _messageLength = w.ReserveLength();
    }

    private void CloseMessage()
    {
        if (_messageLength < 0) return;
        var w = _session.Writer;
        if (w.Position == _messageLength + 4) w.Truncate(_messageLength - 1);   // nothing in it: drop it
        else w.PatchInt32(_messageLength, w.Position - _messageLength);
        _messageLength = -1;
    }

    private async ValueTask FlushIfFullAsync(bool async, CancellationToken ct)
    {
        if (_session.Writer.Position < MessageSize) return;
        CloseMessage();
        await _session.FlushAsync(async, ct).ConfigureAwait(false);
        await HearServerAsync(async, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Between sends, reads what the server already said: notices are handled by the session; an ErrorResponse
    /// (bad data a few rows in) means the server has dropped the COPY and ignores the rest, so it is raised now,
    /// after its ReadyForQuery, instead of after sending everything.
    /// </summary>
    private async ValueTask HearServerAsync(bool async, CancellationToken ct)
    {
        try
        {
            while (!Finished && await _session.PollMessageAsync(async, ct).ConfigureAwait(false) is { } code)
            {
                HandleEndMessage(code);
                if (_error is null) continue;
                while (!Finished) HandleEndMessage(await _session.ReadMessageAsync(async).ConfigureAwait(false));
            }
        }
        catch (Exception e) when (!Finished)
        {
            if (!_session.IsBroken) _session.Break(e);
            End(e);
            throw;
        }
    }

    private void CheckWritable()
    {
        if (Direction != CopyDirection.FromStdin) throw new ProgrammingError("this COPY is TO STDOUT: read from it");
        if (Finished) throw new ProgrammingError("the COPY is finished");
    }

    // ---- TO STDOUT -----------------------------------------------------------------------------------------------

    /// <summary>
    /// The next CopyData of a COPY TO STDOUT as it came (a text/CSV line or a binary chunk); empty at the end. The
    /// memory is the receive buffer's: valid until the next read.
    /// </summary>
    public ReadOnlyMemory<byte> Read() => ReadCoreAsync(false, default).GetAwaiter().GetResult();

    /// <summary>Async twin of <see cref="Read"/>: the next CopyData of a COPY TO STDOUT (a text/CSV line or a binary chunk), empty at the end; valid until the next read.</summary>
    public ValueTask<ReadOnlyMemory<byte>> ReadAsync(CancellationToken cancellationToken = default) => ReadCoreAsync(true, cancellationToken);

    private async ValueTask<ReadOnlyMemory<byte>> ReadCoreAsync(bool async, CancellationToken ct)
    {
        if (Direction != CopyDirection.ToStdout) throw new ProgrammingError("this COPY is FROM STDIN: write to it");
        if (Finished) return ReadOnlyMemory<byte>.Empty;
        var registration = _session.RegisterCancellation(ct);
        try
        {
            while (true)
            {
                var code = await _session.ReadMessageAsync(async, ct).ConfigureAwait(false);
                if (code == BackendMessageCode.CopyData) return _session.Reader.PayloadMemory;
                if (HandleEndMessage(code)) return ReadOnlyMemory<byte>.Empty;
            }
        }
        finally
        {
            if (ct.CanBeCanceled)
            {
                await registration.DisposeAsync().ConfigureAwait(false);
                _session.ClearCancelDeadline();
            }
        }
    }

    /// <summary>The next row, decoded (strings for text COPY, byte arrays for binary, unless SetTypes said); null at the end.</summary>
    public object?[]? ReadRow() => ReadRowCoreAsync(false, default).GetAwaiter().GetResult();

    /// <summary>Async twin of <see cref="ReadRow"/>: the next row of a COPY TO STDOUT, decoded; null at the end.</summary>
    public ValueTask<object?[]?> ReadRowAsync(CancellationToken cancellationToken = default) => ReadRowCoreAsync(true, cancellationToken);

    private async ValueTask<object?[]?> ReadRowCoreAsync(bool async, CancellationToken ct)
    {
        var row = await NextRowAsync(async, ct).ConfigureAwait(false);
        if (row.IsEmpty) return null;
        var shape = ReadShape();
        var context = _connection.ReadContext;
        var values = new object?[shape.Count];
        var ranges = new (int Start, int Length)[shape.Count];
        var span = row.Span;
        if (System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(span) != shape.Count)
            throw new DataError($"a COPY row has {System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(span)} fields, expected {shape.Count}");
        ResultSet.ColumnRanges(span, ranges);
        for (var i = 0; i < values.Length; i++)
        {
            var (start, length) = ranges[i];
            values[i] = ColumnValue.ReadObject(length > 0 ? span.Slice(start, length) : default, length, shape.Fields[i], context);
        }
        return values;
    }

    /// <summary>All the remaining rows, decoded as <see cref="ReadRow"/> does.</summary>
    public IEnumerable<object?[]> Rows()
    {
        while (ReadRow() is { } row) yield return row;
    }

    /// <summary>Async twin of <see cref="Rows()"/>: the remaining rows of a COPY TO STDOUT as they arrive, decoded as <see cref="ReadRow"/> does.</summary>
    public async IAsyncEnumerable<object?[]> RowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadRowAsync(cancellationToken).ConfigureAwait(false) is { } row) yield return row;
    }

    /// <summary>
    /// The remaining rows mapped onto <typeparamref name="T"/> by position (a scalar or a tuple; COPY sends no column
    /// names), decoded straight from the received bytes. Call SetTypes first unless the columns are text.
    /// </summary>
    public IEnumerable<T> Rows<[DynamicallyAccessedMembers(MappedMembers.Row)] T>()
    {
        while (true)
        {
            var row = NextRowAsync(false, default).GetAwaiter().GetResult();
            if (row.IsEmpty) yield break;
            var shape = ReadShape();
            yield return RowMapper<T>.For(shape).Map(shape, _connection.ReadContext, row);
        }
    }

    /// <summary>Async twin of <see cref="Rows{T}"/>: the remaining rows mapped onto <typeparamref name="T"/> by position (a scalar or a tuple).</summary>
    public async IAsyncEnumerable<T> RowsAsync<[DynamicallyAccessedMembers(MappedMembers.Row)] T>([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var row = await NextRowAsync(true, cancellationToken).ConfigureAwait(false);
            if (row.IsEmpty) yield break;
            var shape = ReadShape();
            yield return RowMapper<T>.For(shape).Map(shape, _connection.ReadContext, row);
        }
    }

    /// <summary>Pipes the whole COPY TO STDOUT output into <paramref name="destination"/> (e.g. a CSV file).</summary>
    public void CopyTo(Stream destination)
    {
        while (Read() is { IsEmpty: false } chunk) destination.Write(chunk.Span);
    }

    /// <summary>Async twin of <see cref="CopyTo"/>: pipes the whole COPY TO STDOUT output into <paramref name="destination"/>.</summary>
    public async Task CopyToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false) is { IsEmpty: false } chunk)
            await destination.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next row laid out as a DataRow body; empty at the end.</summary>
    private async ValueTask<ReadOnlyMemory<byte>> NextRowAsync(bool async, CancellationToken ct)
    {
        while (true)
        {
            var data = await ReadCoreAsync(async, ct).ConfigureAwait(false);
            if (data.IsEmpty) return data;
            if (!Binary) return CopyTextFormat.ToDataRow(data.Span, ref _scratch);
            if (_trailerSeen) continue;
            if (!_headerDone)
            {
                data = data[CopyBinaryFormat.HeaderLength(data.Span)..];
                _headerDone = true;
                if (data.IsEmpty) continue;
            }
            if (System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(data.Span) == -1) { _trailerSeen = true; continue; }
            return data;
        }
    }

    /// <summary>How rows read are decoded: SetTypes' types, else text (text COPY) or bytea (binary COPY).</summary>
    private RowDescription ReadShape()
    {
        if (_readShape is not null) return _readShape;
        var format = (short)(Binary ? 1 : 0);
        var fields = new FieldDescription[ColumnCount];
        for (var i = 0; i < fields.Length; i++)
        {
            var oid = _oids?[i] ?? (Binary ? Oids.Bytea : Oids.Text);
            fields[i] = new FieldDescription($"column{i + 1}", 0, 0, oid, -1, -1, format);
        }
        return _readShape = new RowDescription(fields);
    }

    // ---- End -----------------------------------------------------------------------------------------------------

    /// <summary>
    /// Ends the COPY. FROM STDIN: sends what is buffered and CopyDone, then raises the server's error if it rejected
    /// the data (nothing is loaded then); RowCount is the rows loaded. TO STDOUT: reads and drops what is left.
    /// Dispose does the same.
    /// </summary>
    public void Finish() => FinishCoreAsync(false, default).GetAwaiter().GetResult();

    /// <summary>Async twin of <see cref="Finish"/>: ends the COPY (CopyDone for FROM STDIN, then the server's CommandComplete) and sets RowCount.</summary>
    public Task FinishAsync(CancellationToken cancellationToken = default) => FinishCoreAsync(true, cancellationToken).AsTask();

    /// <summary>
    /// Ends the COPY as <see cref="Finish"/> does, except while an exception thrown inside the <c>using</c> block is
    /// propagating: then COPY FROM STDIN is abandoned with CopyFail (nothing loaded) and that exception goes on.
    /// </summary>
    public void Dispose()
    {
        var inFlight = ExceptionInFlight();
        if (inFlight != IntPtr.Zero && inFlight != _exceptionAtStart && !Finished && Direction == CopyDirection.FromStdin)
        {
            Fail("an exception was raised inside the COPY block");
            return;
        }
        Finish();
    }

    /// <summary>
    /// The exception being thrown or handled on this thread, or zero where the runtime can't tell (NativeAOT has no
    /// Marshal.GetExceptionPointers): there a synchronous using block ends the COPY as <c>await using</c> does.
    /// </summary>
    private static IntPtr ExceptionInFlight()
    {
        try { return Marshal.GetExceptionPointers(); }
        catch (PlatformNotSupportedException) { return IntPtr.Zero; }
    }

    /// <summary>Ends the COPY as <see cref="FinishAsync"/> does. Unlike the synchronous Dispose, it cannot see an exception in flight, so call <see cref="FailAsync"/> yourself to abandon a load.</summary>
    public ValueTask DisposeAsync() => FinishCoreAsync(true, default);

    private async ValueTask FinishCoreAsync(bool async, CancellationToken ct)
    {
        if (Finished) return;
        if (Direction == CopyDirection.ToStdout)
        {
            await AbandonOutAsync(async).ConfigureAwait(false);
            return;
        }
        var w = _session.Writer;
        if (Binary && !_rawWritten)
        {
            OpenMessage();
            if (!_headerDone) { CopyBinaryFormat.WriteHeader(w); _headerDone = true; }
            CopyBinaryFormat.WriteTrailer(w);
        }
        CloseMessage();
        w.WriteCopyDone();
        await ReadToEndAsync(async, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Abandons the COPY: FROM STDIN sends CopyFail with <paramref name="message"/>, so the server rolls the COPY back
    /// (nothing is loaded; in a transaction block the transaction is aborted, as with any failed statement); TO STDOUT
    /// stops reading (cancelling the rest when it isn't already here). The connection stays usable. Never raises the
    /// server's answer to the abandon.
    /// </summary>
    public void Fail(string message) => FailCoreAsync(message, false).GetAwaiter().GetResult();

    /// <summary>Async twin of <see cref="Fail"/>: abandons a COPY FROM STDIN with CopyFail(<paramref name="message"/>), so nothing is loaded; the connection stays usable.</summary>
    public Task FailAsync(string message) => FailCoreAsync(message, true).AsTask();

    /// <summary>psycopg-style alias of <see cref="Fail"/> with a generic message.</summary>
    public void Abort() => Fail("COPY aborted by the client");

    private async ValueTask FailCoreAsync(string message, bool async)
    {
        if (Finished) return;
        if (Direction == CopyDirection.ToStdout)
        {
            await AbandonOutAsync(async).ConfigureAwait(false);
            return;
        }
        var w = _session.Writer;
        if (_messageLength >= 0) { w.Truncate(_messageLength - 1); _messageLength = -1; }
        w.WriteCopyFail(message);
        await ReadToEndAsync(async, default, expectFailure: true).ConfigureAwait(false);
    }

    /// <summary>TO STDOUT left early: drop what is buffered; if the end isn't here yet, cancel and drain.</summary>
    private async ValueTask AbandonOutAsync(bool async)
    {
        try
        {
            while (!Finished && _session.Reader.HasWholeMessage)
            {
                var code = await _session.ReadMessageAsync(async).ConfigureAwait(false);
                HandleEndMessage(code, expectFailure: true);
            }
            if (Finished) return;
            await _session.SendCancelAsync(async).ConfigureAwait(false);
            while (!Finished)
            {
                var code = await _session.ReadMessageAsync(async).ConfigureAwait(false);
                HandleEndMessage(code, expectFailure: true);
            }
        }
        catch (Exception e) when (!Finished)
        {
            if (!_session.IsBroken) _session.Break(e);
            End(e);
        }
    }

    private async ValueTask ReadToEndAsync(bool async, CancellationToken ct, bool expectFailure = false)
    {
        var registration = _session.RegisterCancellation(ct);
        try
        {
            await _session.FlushAsync(async, ct).ConfigureAwait(false);
            while (!Finished)
            {
                var code = await _session.ReadMessageAsync(async, ct).ConfigureAwait(false);
                HandleEndMessage(code, expectFailure);
            }
        }
        catch (Exception e) when (!Finished)
        {
            if (!_session.IsBroken) _session.Break(e);
            End(e);
            throw;
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            _session.ClearCancelDeadline();
        }
    }

    /// <summary>Handles what ends a COPY; true once ReadyForQuery has come.</summary>
    private bool HandleEndMessage(BackendMessageCode code, bool expectFailure = false)
    {
        switch (code)
        {
            case BackendMessageCode.CopyData or BackendMessageCode.CopyDone:
                return false;
            case BackendMessageCode.CommandComplete:
                _tag = CommandComplete.ParseTag(_session.Reader.Payload);
                return false;
            case BackendMessageCode.ErrorResponse:
                var error = Error.FromDiagnostics(ErrorResponse.Parse(_session.Reader.Payload));
                if (!(expectFailure && error is QueryCanceled)) _error ??= error;
                return false;
            case BackendMessageCode.ReadyForQuery:
                _session.OnReadyForQuery();
                End();
                if (_error is not null && !expectFailure) throw _error;
                return true;
            default:
                throw _session.Unexpected(code, "COPY data or its end");
        }
    }

    /// <summary>The COPY is over; <paramref name="failure"/>: what broke the connection, when something did.</summary>
    private void End(Exception? failure = null)
    {
        if (Finished) return;
        Finished = true;
        RowCount = _tag is null ? -1 : CommandComplete.RowCountOf(_tag);
        _session.ExitOperation();
        _onEnd(_tag, RowCount, failure ?? _error);
    }
}
