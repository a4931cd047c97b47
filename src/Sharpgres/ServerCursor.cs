using System.Diagnostics.CodeAnalysis;
using System.Collections;
using System.Globalization;
using Sharpgres.Protocol;
using Sharpgres.Protocol.Backend;
using Sharpgres.Protocol.Frontend;
using Sharpgres.Results;
using Sharpgres.Queries;
using Sharpgres.Types;

namespace Sharpgres;

/// <summary>
/// psycopg's ServerCursor (a "named cursor"): <see cref="Execute(string, object?[])"/> sends
/// <c>DECLARE "name" [NO] SCROLL CURSOR [WITH HOLD] FOR query</c> and the result stays on the server; the Fetch
/// methods pull rows with <c>FETCH FORWARD n</c> (iteration <see cref="ItemSize"/> at a time), <see cref="Scroll"/>
/// moves with <c>MOVE</c>, <see cref="Close"/> sends <c>CLOSE</c>. Only the rows of one fetch are in client memory.
/// A cursor without hold lives until the end of its transaction; reading it afterwards raises InvalidCursorName.
/// </summary>
public partial class ServerCursor<TRow> : IDisposable, IAsyncDisposable, IEnumerable<TRow>, IAsyncEnumerable<TRow>
{
    private readonly RowFactory<TRow> _factory;
    private RowDescription? _description;
    private RowDescription? _fetchShape;   // the description with the formats FETCH asks for
    private bool _described;                // the shape is known (after Execute, or on first use of a stolen cursor)
    private bool _declared;                 // declared by this object: CLOSE needs no existence check
    private long _rowCount = -1;
    private int _position;
    private bool _closed;
    private string? _statusMessage;

    internal ServerCursor(Connection connection, string name, RowFactory<TRow> factory, bool? scrollable, bool withHold)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Connection = connection;
        Name = name;
        _factory = factory;
        Scrollable = scrollable;
        WithHold = withHold;
    }

    /// <summary>The connection the cursor lives on; the cursor exists only inside its transaction unless declared WITH HOLD.</summary>
    public Connection Connection { get; }

    /// <summary>The cursor's name on the server (sent quoted as an identifier, so any text works).</summary>
    public string Name { get; }

    /// <summary>SCROLL (true), NO SCROLL (false), or the server's choice (null). Scroll backwards needs true.</summary>
    public bool? Scrollable { get; }

    /// <summary>WITH HOLD: the cursor survives the commit of the transaction that declared it.</summary>
    public bool WithHold { get; }

    /// <summary>Rows fetched per round trip when iterating (psycopg's itersize, default 100).</summary>
    public int ItemSize { get; set; } = 100;

    /// <summary>How many rows FetchMany returns by default (DB-API arraysize, default 1).</summary>
    public int ArraySize { get; set; } = 1;

    /// <summary>True once <see cref="Close"/> or Dispose was called (psycopg's <c>cursor.closed</c>).</summary>
    public bool Closed => _closed;

    /// <summary>-1 after Execute (the server doesn't know the size of a cursor's result), then the rows fetched so far.</summary>
    public long RowCount => _rowCount;

    /// <summary>0-based index of the next row: advances with fetched rows and <see cref="Scroll"/>; null before Execute.</summary>
    public int? RowNumber => _described ? _position : null;

    /// <summary>The columns of the cursor's query; null before Execute.</summary>
    public IReadOnlyList<Column>? Description => _description?.Fields.Select(f => Column.From(f, Connection.Types)).ToArray();

    /// <summary>The tag of the last command: "DECLARE CURSOR", "FETCH 3", "MOVE 2", "CLOSE CURSOR".</summary>
    public string? StatusMessage => _statusMessage;

    /// <summary>The cursor's name and state (not declared, declared, closed).</summary>
    public override string ToString() => $"<ServerCursor '{Name}' {(_closed ? "closed" : _described ? "declared" : "not declared")}>";

    // ---- Execute -------------------------------------------------------------------------------------------------

    /// <summary>Declares the cursor for <paramref name="query"/> (%s placeholders bound server-side); closes a previous one.</summary>
    public ServerCursor<TRow> Execute(string query, params object?[] args)
    {
        ExecuteCoreAsync(query, args, null, false, default).GetAwaiter().GetResult();
        return this;
    }

    /// <summary>Declares the cursor for <paramref name="query"/> with %(name)s placeholders bound from <paramref name="args"/>; closes a previous one.</summary>
    public ServerCursor<TRow> Execute(string query, IReadOnlyDictionary<string, object?> args)
    {
        ExecuteCoreAsync(query, null, args, false, default).GetAwaiter().GetResult();
        return this;
    }

    /// <summary>Async twin of <see cref="Execute(string, object?[])"/>: DECLAREs the cursor for <paramref name="query"/> with %s placeholders bound server-side.</summary>
    public async Task<ServerCursor<TRow>> ExecuteAsync(string query, object?[]? args = null, CancellationToken cancellationToken = default)
    {
        await ExecuteCoreAsync(query, args, null, true, cancellationToken).ConfigureAwait(false);
        return this;
    }

    /// <summary>Async DECLARE with %(name)s placeholders bound from the properties or keys of <paramref name="namedArgs"/>.</summary>
    public async Task<ServerCursor<TRow>> ExecuteAsync(string query, object namedArgs, CancellationToken cancellationToken = default)
    {
        await ExecuteCoreAsync(query, null, NamedArguments.From(namedArgs), true, cancellationToken).ConfigureAwait(false);
        return this;
    }

    /// <summary>Not available on server-side cursors, as in psycopg.</summary>
    public void ExecuteMany(string query, IEnumerable<object?[]> argsSeq) =>
        throw new NotSupportedError("ExecuteMany not supported on server-side cursors");

    /// <summary>Not available on server-side cursors, as in psycopg: the task fails with <see cref="NotSupportedError"/>.</summary>
    public Task ExecuteManyAsync(string query, IEnumerable<object?[]> argsSeq, CancellationToken cancellationToken = default) =>
        Task.FromException(new NotSupportedError("ExecuteMany not supported on server-side cursors"));

    private string DeclareStatement(bool escapePercent)
    {
        var name = QuoteIdentifier(Name);
        if (escapePercent) name = name.Replace("%", "%%");
        var scroll = Scrollable switch { true => " SCROLL", false => " NO SCROLL", null => "" };
        return $"DECLARE {name}{scroll} CURSOR{(WithHold ? " WITH HOLD" : "")} FOR ";
    }

    internal static string QuoteIdentifier(string name) => SqlLiteral.QuoteIdentifier(name);

    /// <summary>[BEGIN] Parse Bind Execute (the DECLARE) Describe (the new portal) Sync: one round trip.</summary>
    private async ValueTask ExecuteCoreAsync(string query, object?[]? positional, IReadOnlyDictionary<string, object?>? named,
        bool async, CancellationToken ct)
    {
        CheckOpen();
        Queries.StatementGuard.Check(query, "a server-side cursor");
        if (named is null && positional is [{ } single] && single is not string && RowMapper<object>.IsScalar(single.GetType()) is false
            && ParsedQuery.Get(query).Names is not null)
        {
            named = NamedArguments.From(single);
            positional = null;
        }
        var noArgs = (positional is null || positional.Length == 0) && named is null;
        string sql;
        BoundParameters parameters;
        if (noArgs)
        {
            sql = DeclareStatement(false) + query;
            parameters = BoundParameters.Empty;
        }
        else
        {
            var parsed = ParsedQuery.Get(DeclareStatement(true) + query);
            sql = parsed.Sql;
            parameters = BoundParameters.Create(parsed, parsed.Arrange(positional, named), Connection.Types);
        }
        if (_described) await CloseOnServerAsync(async, ct).ConfigureAwait(false);
        _described = _declared = false;
        _description = _fetchShape = null;
        _rowCount = -1;
        _position = 0;

        var session = Connection.Session;
        var context = Connection.ReadContext;
        Error? error = null;
        RowDescription? description = null;
        var op = OperationScope.Start(Connection, PgOperationKind.ServerCursorFetch, sql);
        try
        {
            await RunAsync(async ct2 =>
            {
                var readyCount = 1;
                if (Connection.NeedsBegin) { session.Writer.WriteQuery(Connection.BeginStatement()); readyCount++; }
                session.Writer.WriteParse("", sql, parameters.Oids);
                session.Writer.WriteBind("", parameters, 0, context);
                session.Writer.WriteExecute("");
                session.Writer.WriteDescribe((byte)'P', Name);
                session.Writer.WriteSync();
                await session.FlushAsync(async, ct2).ConfigureAwait(false);
                var answer = await ResultReader.ReadDescriptionAsync(session, readyCount, async, ct2).ConfigureAwait(false);
                (description, error) = (answer.Description, answer.Error);
                if (answer.LastTag is { } tag) _statusMessage = tag;
            }, async, ct).ConfigureAwait(false);
            if (error is not null) throw error;
        }
        catch (Exception e) when (op.Fail(e)) { throw; }
        finally { op.Dispose(); }
        SetShape(description);
        _declared = true;
    }

    private void SetShape(RowDescription? description)
    {
        _description = description ?? new RowDescription([]);
        _described = true;
        // FETCH is a statement of its own: its Bind picks the formats, binary when every column can be read so.
        var binary = _description.Fields.All(f => Connection.Types.ForOid(f.TypeOid) is { CanReadBinary: true });
        _fetchShape = new RowDescription(_description.Fields
            .Select(f => f with { FormatCode = (short)(binary ? 1 : 0) }).ToArray());
    }

    // ---- Fetch ---------------------------------------------------------------------------------------------------

    /// <summary>The next row, or null past the end: <c>FETCH FORWARD 1</c>.</summary>
    public TRow? FetchOne() => FetchOneCoreAsync(false, default).GetAwaiter().GetResult();

    /// <summary>Up to <paramref name="size"/> rows (0: <see cref="ArraySize"/>): <c>FETCH FORWARD size</c>.</summary>
    public IReadOnlyList<TRow> FetchMany(int size = 0) => FetchManyCoreAsync(size, false, default).GetAwaiter().GetResult();

    /// <summary>All the remaining rows: <c>FETCH FORWARD ALL</c>.</summary>
    public IReadOnlyList<TRow> FetchAll() => FetchManyCoreAsync(null, false, default).GetAwaiter().GetResult();

    /// <summary>Async twin of FetchOne: <c>FETCH FORWARD 1</c> from the server-side cursor; null past the end.</summary>
    public Task<TRow?> FetchOneAsync(CancellationToken cancellationToken = default) => FetchOneCoreAsync(true, cancellationToken).AsTask();
    /// <summary>Async twin of FetchMany: <c>FETCH FORWARD n</c> (<see cref="ArraySize"/> when <paramref name="size"/> is 0) from the server-side cursor.</summary>
    public Task<IReadOnlyList<TRow>> FetchManyAsync(int size = 0, CancellationToken cancellationToken = default) => FetchManyCoreAsync(size, true, cancellationToken).AsTask();
    /// <summary>Async twin of FetchAll: <c>FETCH FORWARD ALL</c> from the server-side cursor.</summary>
    public Task<IReadOnlyList<TRow>> FetchAllAsync(CancellationToken cancellationToken = default) => FetchManyCoreAsync(null, true, cancellationToken).AsTask();

    /// <summary>The next row mapped onto <typeparamref name="T"/>, or default past the end.</summary>
    public T? FetchOne<[DynamicallyAccessedMembers(MappedMembers.Row)] T>() => FetchOneTypedAsync<T>(false, default).GetAwaiter().GetResult();
    /// <summary><c>FETCH FORWARD n</c> (<see cref="ArraySize"/> when <paramref name="size"/> is 0), the rows mapped onto <typeparamref name="T"/>.</summary>
    public IReadOnlyList<T> FetchMany<[DynamicallyAccessedMembers(MappedMembers.Row)] T>(int size = 0) => FetchManyTypedAsync<T>(size <= 0 ? ArraySize : size, false, default).GetAwaiter().GetResult();
    /// <summary><c>FETCH FORWARD ALL</c>, the rows mapped onto <typeparamref name="T"/>.</summary>
    public IReadOnlyList<T> FetchAll<[DynamicallyAccessedMembers(MappedMembers.Row)] T>() => FetchManyTypedAsync<T>(null, false, default).GetAwaiter().GetResult();
    /// <summary>Async <c>FETCH FORWARD 1</c>, the row mapped onto <typeparamref name="T"/>; default past the end.</summary>
    public Task<T?> FetchOneAsync<[DynamicallyAccessedMembers(MappedMembers.Row)] T>(CancellationToken cancellationToken = default) => FetchOneTypedAsync<T>(true, cancellationToken).AsTask();
    /// <summary>Async <c>FETCH FORWARD n</c>, the rows mapped onto <typeparamref name="T"/>.</summary>
    public Task<IReadOnlyList<T>> FetchManyAsync<[DynamicallyAccessedMembers(MappedMembers.Row)] T>(int size = 0, CancellationToken cancellationToken = default) => FetchManyTypedAsync<T>(size <= 0 ? ArraySize : size, true, cancellationToken).AsTask();
    /// <summary>Async <c>FETCH FORWARD ALL</c>, the rows mapped onto <typeparamref name="T"/>.</summary>
    public Task<IReadOnlyList<T>> FetchAllAsync<[DynamicallyAccessedMembers(MappedMembers.Row)] T>(CancellationToken cancellationToken = default) => FetchManyTypedAsync<T>(null, true, cancellationToken).AsTask();

    private async ValueTask<TRow?> FetchOneCoreAsync(bool async, CancellationToken ct)
    {
        var batch = await FetchAsync(1, async, ct).ConfigureAwait(false);
        if (batch.Count == 0) return default;
        _position++;
        return _factory.Make(new Row(batch, 0));
    }

    private async ValueTask<IReadOnlyList<TRow>> FetchManyCoreAsync(int? size, bool async, CancellationToken ct)
    {
        var batch = await FetchAsync(size is null ? null : size <= 0 ? ArraySize : size, async, ct).ConfigureAwait(false);
        var rows = new TRow[batch.Count];
        for (var i = 0; i < rows.Length; i++) rows[i] = _factory.Make(new Row(batch, i));
        _position += rows.Length;
        return rows;
    }

    private async ValueTask<T?> FetchOneTypedAsync<[DynamicallyAccessedMembers(MappedMembers.Row)] T>(bool async, CancellationToken ct)
    {
        var batch = await FetchAsync(1, async, ct).ConfigureAwait(false);
        if (batch.Count == 0) return default;
        _position++;
        return RowMapper<T>.For(batch.Description!).Map(batch, 0);
    }

    private async ValueTask<IReadOnlyList<T>> FetchManyTypedAsync<[DynamicallyAccessedMembers(MappedMembers.Row)] T>(int? size, bool async, CancellationToken ct)
    {
        var batch = await FetchAsync(size, async, ct).ConfigureAwait(false);
        var rows = new T[batch.Count];
        if (rows.Length > 0)
        {
            var mapper = RowMapper<T>.For(batch.Description!);
            for (var i = 0; i < rows.Length; i++) rows[i] = mapper.Map(batch, i);
        }
        _position += rows.Length;
        return rows;
    }

    /// <summary>
    /// One <c>FETCH FORWARD n|ALL</c> round trip (extended protocol, so results can come binary), buffered as one
    /// small result. No BEGIN is sent: as psycopg, a fetch never opens a transaction of its own.
    /// </summary>
    private async ValueTask<ResultSet> FetchAsync(int? count, bool async, CancellationToken ct)
    {
        CheckOpen();
        if (!_described) await DescribeAsync(async, ct).ConfigureAwait(false);
        var sql = $"FETCH FORWARD {(count is { } n ? n.ToString(CultureInfo.InvariantCulture) : "ALL")} FROM {QuoteIdentifier(Name)}";
        var session = Connection.Session;
        var context = Connection.ReadContext;
        var results = new List<ResultSet>(1);
        Error? error = null;
        var shape = _fetchShape!;
        var op = OperationScope.Start(Connection, PgOperationKind.ServerCursorFetch, sql);
        try
        {
            await RunAsync(async ct2 =>
            {
                session.Writer.WriteParse("", sql, []);
                session.Writer.WriteBind("", BoundParameters.Empty, shape.Count > 0 ? shape.Fields[0].FormatCode : (short)0, context);
                session.Writer.WriteExecute("");
                session.Writer.WriteSync();
                await session.FlushAsync(async, ct2).ConfigureAwait(false);
                error = await ResultReader.ReadAsync(session, results, 1, context, async, ct2, shape).ConfigureAwait(false);
            }, async, ct).ConfigureAwait(false);
            if (error is not null) throw error;
            op.SetRows(results.Count > 0 ? results[0].Count : 0, returned: true);
        }
        catch (Exception e) when (op.Fail(e)) { throw; }
        finally { op.Dispose(); }
        var batch = results.Count > 0 ? results[0] : new ResultSet(shape, context);
        _statusMessage = batch.CommandTag;
        _rowCount = Math.Max(_rowCount, 0) + batch.Count;
        return batch;
    }

    /// <summary>A cursor declared elsewhere ("stolen", e.g. returned by a function): learn its shape first.</summary>
    private async ValueTask DescribeAsync(bool async, CancellationToken ct)
    {
        var session = Connection.Session;
        RowDescription? description = null;
        Error? error = null;
        await RunAsync(async ct2 =>
        {
            session.Writer.WriteDescribe((byte)'P', Name);
            session.Writer.WriteSync();
            await session.FlushAsync(async, ct2).ConfigureAwait(false);
            while (true)
            {
                var code = await session.ReadMessageAsync(async, ct2).ConfigureAwait(false);
                if (code == BackendMessageCode.RowDescription) description = RowDescription.Parse(session.Reader.Payload);
                else if (code == BackendMessageCode.ErrorResponse) error ??= Error.FromDiagnostics(ErrorResponse.Parse(session.Reader.Payload));
                else if (code == BackendMessageCode.ReadyForQuery) { session.OnReadyForQuery(); return; }
            }
        }, async, ct).ConfigureAwait(false);
        if (error is not null) throw error;
        SetShape(description);
    }

    // ---- Iteration -----------------------------------------------------------------------------------------------

    /// <summary>Iterates the remaining rows, fetching <see cref="ItemSize"/> per round trip.</summary>
    public IEnumerator<TRow> GetEnumerator()
    {
        while (true)
        {
            var size = Math.Max(1, ItemSize);
            var batch = FetchAsync(size, false, default).GetAwaiter().GetResult();
            for (var i = 0; i < batch.Count; i++)
            {
                _position++;
                yield return _factory.Make(new Row(batch, i));
            }
            if (batch.Count < size) yield break;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>psycopg's <c>async for row in acur</c> on a named cursor: fetches <see cref="ItemSize"/> rows per FETCH as the loop goes.</summary>
    public async IAsyncEnumerator<TRow> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var size = Math.Max(1, ItemSize);
            var batch = await FetchAsync(size, true, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                _position++;
                yield return _factory.Make(new Row(batch, i));
            }
            if (batch.Count < size) yield break;
        }
    }

    // ---- Scroll and Close ----------------------------------------------------------------------------------------

    /// <summary>
    /// Moves the cursor with <c>MOVE [ABSOLUTE] value</c>. The server doesn't report moving out of range, so
    /// (as psycopg) this may stop at the boundary instead of raising; moving backwards needs scrollable: true.
    /// </summary>
    public void Scroll(int value, ScrollMode mode = ScrollMode.Relative) => ScrollCoreAsync(value, mode, false, default).GetAwaiter().GetResult();

    /// <summary>Async twin of <see cref="Scroll"/>: <c>MOVE [ABSOLUTE] value</c> on the server-side cursor.</summary>
    public Task ScrollAsync(int value, ScrollMode mode = ScrollMode.Relative, CancellationToken cancellationToken = default) =>
        ScrollCoreAsync(value, mode, true, cancellationToken).AsTask();

    private async ValueTask ScrollCoreAsync(int value, ScrollMode mode, bool async, CancellationToken ct)
    {
        CheckOpen();
        var sql = $"MOVE{(mode == ScrollMode.Absolute ? " ABSOLUTE" : "")} {value.ToString(CultureInfo.InvariantCulture)} FROM {QuoteIdentifier(Name)}";
        await Connection.RunCommandAsync(sql, async, ct).ConfigureAwait(false);
        _position = mode == ScrollMode.Relative ? _position + value : value;
    }

    /// <summary>
    /// Closes the cursor, releasing it on the server (<c>CLOSE</c>) when it still exists there: not after the
    /// transaction of a cursor without hold ended, nor when the transaction failed. Idempotent.
    /// </summary>
    public void Close() => CloseCoreAsync(false).GetAwaiter().GetResult();
    /// <summary>Async twin of <see cref="Close"/>: sends <c>CLOSE</c> when the cursor still exists on the server. Idempotent.</summary>
    public Task CloseAsync() => CloseCoreAsync(true).AsTask();
    /// <summary>Closes the cursor as <see cref="Close"/> does.</summary>
    public void Dispose() => Close();
    /// <summary>Closes the cursor as <see cref="CloseAsync"/> does.</summary>
    public ValueTask DisposeAsync() => CloseCoreAsync(true);

    private async ValueTask CloseCoreAsync(bool async)
    {
        if (_closed) return;
        if (!Connection.Closed) await CloseOnServerAsync(async, default).ConfigureAwait(false);
        _closed = true;
        _description = _fetchShape = null;
        _described = false;
    }

    private async ValueTask CloseOnServerAsync(bool async, CancellationToken ct)
    {
        var status = Connection.Session.TransactionStatus;
        if (status is not (TransactionStatus.Idle or TransactionStatus.InTransaction)) return;
        // Outside a transaction a cursor without hold is gone already.
        if (!WithHold && status == TransactionStatus.Idle) return;
        var quotedName = QuoteIdentifier(Name);
        if (!_declared)
        {
            var literal = SqlLiteral.Quote(Name, Connection);   // E'...' when backslashes are escapes
            var results = new List<ResultSet>(1);
            Error? error = null;
            var session = Connection.Session;
            await RunAsync(async ct2 =>
            {
                // The simple protocol and no BEGIN: checking must not open a transaction.
                session.Writer.WriteQuery($"SELECT 1 FROM pg_catalog.pg_cursors WHERE name = {literal}");
                await session.FlushAsync(async, ct2).ConfigureAwait(false);
                error = await ResultReader.ReadAsync(session, results, 1, Connection.ReadContext, async, ct2).ConfigureAwait(false);
            }, async, ct).ConfigureAwait(false);
            if (error is not null) throw error;
            if (results.Count == 0 || results[0].Count == 0) return;
        }
        await Connection.RunCommandAsync("CLOSE " + quotedName, async, ct).ConfigureAwait(false);
        _statusMessage = "CLOSE CURSOR";
    }

    private void CheckOpen()
    {
        if (_closed) throw new InterfaceError("the cursor is closed");
        Connection.CheckOpen();
        if (Connection.ActivePipeline is not null) throw new NotSupportedError("server-side cursors not supported in pipeline mode");
    }

    /// <summary>Runs one exchange holding the connection, with the token wired to a CancelRequest.</summary>
    private async ValueTask RunAsync(Func<CancellationToken, ValueTask> exchange, bool async, CancellationToken ct)
    {
        var session = Connection.Session;
        session.EnterOperation();
        var registration = session.RegisterCancellation(ct);
        try
        {
            await exchange(ct).ConfigureAwait(false);
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            session.ClearCancelDeadline();
            session.ExitOperation();
        }
    }
}

/// <summary>The default server-side cursor, producing <see cref="Row"/>s.</summary>
public sealed class ServerCursor : ServerCursor<Row>
{
    internal ServerCursor(Connection connection, string name, RowFactory<Row> factory, bool? scrollable, bool withHold)
        : base(connection, name, factory, scrollable, withHold) { }
}
