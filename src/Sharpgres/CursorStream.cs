using System.Diagnostics.CodeAnalysis;
using System.Collections;
using Sharpgres.Protocol;
using Sharpgres.Protocol.Frontend;
using Sharpgres.Results;
using Sharpgres.Queries;

namespace Sharpgres;

/// <summary>
/// psycopg's <c>cursor.stream()</c>: rows handed out as they arrive, never buffered, so a result of any size runs in
/// constant memory. The query is sent when iteration starts, and the connection is busy until the loop ends;
/// leaving the loop early (break, exception, Dispose of the enumerator, cancellation) ends the statement cleanly and
/// the connection stays usable (see <see cref="RowStream"/> for how).
/// </summary>
public partial class Cursor<TRow>
{
    /// <summary>
    /// Streams the rows of one statement (%s placeholders bound to <paramref name="args"/>, or one object or
    /// dictionary for %(name)s). Each row is an independent <typeparamref name="TRow"/> made by the row factory.
    /// </summary>
    public IEnumerable<TRow> Stream(string query, params object?[] args) =>
        new StreamSource<TRow>(this, query, args, null, MakeRowProjector);

    /// <summary>Streams with named parameters from a dictionary: %(name)s.</summary>
    public IEnumerable<TRow> Stream(string query, IReadOnlyDictionary<string, object?> args) =>
        new StreamSource<TRow>(this, query, null, args, MakeRowProjector);

    /// <summary>
    /// The async stream: <c>await foreach (var row in cur.StreamAsync(sql, args, token))</c>. Cancelling the token
    /// (here or through WithCancellation) ends the statement and raises <see cref="Errors.QueryCanceled"/>.
    /// </summary>
    public IAsyncEnumerable<TRow> StreamAsync(string query, object?[]? args = null, CancellationToken cancellationToken = default) =>
        new StreamSource<TRow>(this, query, args, null, MakeRowProjector, cancellationToken);

    /// <summary>
    /// Streams rows mapped onto <typeparamref name="T"/> (scalar, tuple, record, class) straight from the receive
    /// buffer: no row object and no copy of the bytes in between.
    /// </summary>
    public IEnumerable<T> Stream<[DynamicallyAccessedMembers(MappedMembers.Row)] T>(string query, params object?[] args) =>
        new StreamSource<T>(this, query, args, null, static () => new TypedProjector<T>().Project);

    /// <summary>Async twin of <see cref="Stream{T}(string, object?[])"/>: rows mapped onto <typeparamref name="T"/> as they arrive; cancelling the token ends the statement and raises <see cref="Errors.QueryCanceled"/>.</summary>
    public IAsyncEnumerable<T> StreamAsync<[DynamicallyAccessedMembers(MappedMembers.Row)] T>(string query, object?[]? args = null, CancellationToken cancellationToken = default) =>
        new StreamSource<T>(this, query, args, null, static () => new TypedProjector<T>().Project, cancellationToken);

    private Func<RowStream, TRow> MakeRowProjector()
    {
        StreamedRows? shared = null;
        return s =>
        {
            if (shared is null || !ReferenceEquals(shared.Shape, s.Description)) shared = new StreamedRows(s.Description!, s.Context);
            return _factory.Make(new Row(shared, s.Current.Span));
        };
    }

    /// <summary>
    /// Typed rows: the mapper is looked up once per stream, then each row maps without allocating a Row, through the
    /// stream's own RowAccess (its column codecs and typed readers stay set from one row to the next).
    /// </summary>
    private sealed class TypedProjector<[DynamicallyAccessedMembers(MappedMembers.Row)] T>
    {
        private Protocol.Backend.RowDescription? _shape;
        private RowMapper<T>? _mapper;
        private readonly RowAccess _access = new();

        public T Project(RowStream s)
        {
            if (!ReferenceEquals(_shape, s.Description))
            {
                _shape = s.Description!;
                _mapper = RowMapper<T>.For(_shape);
            }
            _access.LoadRow(_shape!, s.Context, s.Current);
            return _mapper!.Map(_access);
        }
    }

    /// <summary>Sends the statement of a stream: [BEGIN] [Close evicted] Parse Bind [Describe] Execute, one flush.</summary>
    private async ValueTask<RowStream> StartStreamAsync(string query, object?[]? positional, IReadOnlyDictionary<string, object?>? named,
        bool async, CancellationToken ct)
    {
        CheckOpen();
        Queries.StatementGuard.Check(query, "Stream");
        if (Connection.ActivePipeline is not null) throw new ProgrammingError("Stream() cannot be used in pipeline mode");
        if (named is null && IsNamedSource(query, positional))
        {
            named = NamedArguments.From(positional![0]!);
            positional = null;
        }
        CheckRawNamed(named);
        if (Binding == Binding.Client && (positional is { Length: > 0 } || named is not null))
        {
            query = SqlLiteral.MergeArguments(query, positional, named, Connection);
            (positional, named) = (null, null);
        }
        string sql;
        BoundParameters parameters;
        if ((positional is null || positional.Length == 0) && named is null)
        {
            sql = query;
            parameters = BoundParameters.Empty;
        }
        else
        {
            var parsed = ParseQuery(query);
            sql = parsed.Sql;
            parameters = BoundParameters.Create(parsed, parsed.Arrange(positional, named), Connection.Types);
        }
        ResetResults();
        var session = Connection.Session;
        session.EnterOperation();
        var mark = session.Writer.Position;
        try
        {
            if (session.Statements.ShapeOf(sql) is null) await DescribeAheadAsync(session, sql, parameters, async, ct).ConfigureAwait(false);
            // A transaction block to protect (ours or the user's): run in batches, so leaving early needs no cancel.
            var inTransactionBlock = !Connection.Autocommit || session.TransactionStatus != TransactionStatus.Idle;
            var begin = Connection.NeedsBegin;
            if (begin) session.Writer.WriteQuery(Connection.BeginStatement());
            WritePendingCloses(session);
            // Never prepared, as psycopg's stream: one-off big reads gain nothing from it.
            var plan = StatementPlan.Create(Connection, session, sql, parameters, prepare: false);
            return await RowStream.StartAsync(session, plan, parameters, Connection.ReadContext, inTransactionBlock, begin, async, ct).ConfigureAwait(false);
        }
        catch
        {
            if (!session.IsBroken) session.Writer.Truncate(mark);
            session.ExitOperation();
            throw;
        }
    }

    /// <summary>
    /// A statement streamed for the first time: one round trip ([BEGIN] Parse Describe Sync) learns its columns, so the
    /// rows come in binary where every column has a binary codec. Without it a first execution asks text for all
    /// columns, and a one-off stream of millions of rows would be parsed from text (about twice the client work and
    /// allocations per row). One round trip is nothing next to a result worth streaming.
    /// </summary>
    private async ValueTask DescribeAheadAsync(Session session, string sql, BoundParameters parameters, bool async, CancellationToken ct)
    {
        var readyCount = 1;
        if (Connection.NeedsBegin) { session.Writer.WriteQuery(Connection.BeginStatement()); readyCount++; }
        session.Writer.WriteParse("", sql, parameters.Oids);
        session.Writer.WriteDescribe((byte)'S', "");
        session.Writer.WriteSync();
        await session.FlushAsync(async, ct).ConfigureAwait(false);
        var answer = await ResultReader.ReadDescriptionAsync(session, readyCount, async, ct).ConfigureAwait(false);
        if (answer.Error is { } error) throw error;
        if (answer.Description is { } description) session.Statements.RememberShape(sql, description);
    }

    /// <summary>After a stream: the cursor describes it (Description, StatusMessage, RowCount = rows read).</summary>
    private void StreamEnded(RowStream stream)
    {
        var result = new ResultSet(stream.Description, stream.Context);
        result.Complete(stream.CommandTag ?? "");
        SetResults([result], stream.RowsRead);
    }

    private sealed class StreamSource<T>(Cursor<TRow> cursor, string query, object?[]? positional,
        IReadOnlyDictionary<string, object?>? named, Func<Func<RowStream, T>> projector, CancellationToken token = default)
        : IEnumerable<T>, IAsyncEnumerable<T>
    {
        public IEnumerator<T> GetEnumerator() => new StreamEnumerator<T>(cursor, query, positional, named, projector(), default);
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            var ct = token;
            CancellationTokenSource? linked = null;
            if (cancellationToken.CanBeCanceled)
            {
                if (ct.CanBeCanceled) { linked = CancellationTokenSource.CreateLinkedTokenSource(ct, cancellationToken); ct = linked.Token; }
                else ct = cancellationToken;
            }
            return new StreamEnumerator<T>(cursor, query, positional, named, projector(), ct, linked);
        }
    }

    /// <summary>One iteration of a stream, sync or async over the same core.</summary>
    private sealed class StreamEnumerator<T>(Cursor<TRow> cursor, string query, object?[]? positional,
        IReadOnlyDictionary<string, object?>? named, Func<RowStream, T> project, CancellationToken ct,
        CancellationTokenSource? linked = null) : IEnumerator<T>, IAsyncEnumerator<T>
    {
        private RowStream? _stream;
        private T _current = default!;
        private bool _disposed;
        private OperationScope _op;   // the stream's span: from the first MoveNext to the end (or Dispose)

        public T Current => _current;
        object? IEnumerator.Current => _current;

        public bool MoveNext() => TryNextBuffered() || MoveNextAsync(false).GetAwaiter().GetResult();
        public ValueTask<bool> MoveNextAsync() => TryNextBuffered() ? new(true) : MoveNextAsync(true);

        /// <summary>A row already in the receive buffer, handed out without entering the async core.</summary>
        private bool TryNextBuffered()
        {
            if (_disposed || _stream is not { } stream || ct.IsCancellationRequested || !stream.TryNextBuffered()) return false;
            _current = project(stream);
            return true;
        }

        private async ValueTask<bool> MoveNextAsync(bool async)
        {
            if (_disposed || _stream is { Done: true }) return false;
            bool more;
            try
            {
                if (_stream is null)
                {
                    _op = OperationScope.StartDetached(cursor.Connection, PgOperationKind.Stream, query, rewrite: cursor.Binding == Binding.Server && (positional is { Length: > 0 } || named is not null));
                    _stream = await cursor.StartStreamAsync(query, positional, named, async, ct).ConfigureAwait(false);
                }
                try
                {
                    more = await _stream.MoveNextAsync(async, ct).ConfigureAwait(false);
                }
                finally
                {
                    if (_stream.Done) cursor.StreamEnded(_stream);
                }
            }
            catch (Exception e)
            {
                _op.Fail(e);
                EndOperation();
                throw;
            }
            if (!more) { EndOperation(); return false; }
            _current = project(_stream);
            return true;
        }

        private void EndOperation()
        {
            if (!_op.IsObserved) return;
            _op.SetRows(_stream?.RowsRead ?? 0, returned: true);
            _op.Dispose();
            _op = default;
        }

        public void Reset() => throw new NotSupportedException("a stream can't be rewound: call Stream() again");

        public void Dispose() => DisposeAsync(false).GetAwaiter().GetResult();
        public ValueTask DisposeAsync() => DisposeAsync(true);

        private async ValueTask DisposeAsync(bool async)
        {
            _disposed = true;
            linked?.Dispose();
            if (_stream is null || _stream.Done) { EndOperation(); return; }
            try
            {
                await _stream.StopAsync(async).ConfigureAwait(false);
                cursor.StreamEnded(_stream);
            }
            catch (Exception e) { _op.Fail(e); throw; }
            finally { EndOperation(); }
        }
    }
}
