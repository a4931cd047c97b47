namespace Sharpgres;

// A Composable passes wherever a query string does: it renders for the connection (AsString), then runs as that text.

public partial class Cursor<TRow>
{
    /// <summary>Executes a composed query (<see cref="Sql"/>); its placeholders are bound to <paramref name="args"/> as a string query's.</summary>
    public Cursor<TRow> Execute(Composable query, params object?[] args) => Execute(Render(query, HasArguments(args)), args);

    /// <summary>Async twin of <see cref="Execute(Composable, object?[])"/>.</summary>
    public Task<Cursor<TRow>> ExecuteAsync(Composable query, object?[]? args = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync(Render(query, HasArguments(args)), args, cancellationToken);

    /// <summary>ExecuteMany of a composed query (<see cref="Sql"/>).</summary>
    public Cursor<TRow> ExecuteMany<TParams>(Composable query, IEnumerable<TParams> parameterSets, bool returning = false) =>
        ExecuteMany(Render(query, Binding != Binding.Raw), parameterSets, returning);

    /// <summary>Async ExecuteMany of a composed query (<see cref="Sql"/>).</summary>
    public Task<Cursor<TRow>> ExecuteManyAsync<TParams>(Composable query, IEnumerable<TParams> parameterSets, bool returning = false,
        CancellationToken cancellationToken = default) => ExecuteManyAsync(Render(query, Binding != Binding.Raw), parameterSets, returning, cancellationToken);

    /// <summary>Streams the rows of a composed query (<see cref="Sql"/>).</summary>
    public IEnumerable<TRow> Stream(Composable query, params object?[] args) => Stream(Render(query, HasArguments(args)), args);

    /// <summary>Async stream of a composed query (<see cref="Sql"/>).</summary>
    public IAsyncEnumerable<TRow> StreamAsync(Composable query, object?[]? args = null, CancellationToken cancellationToken = default) =>
        StreamAsync(Render(query, HasArguments(args)), args, cancellationToken);

    /// <summary>A COPY statement composed with <see cref="Sql"/> (e.g. <c>COPY {} FROM STDIN</c> with an Identifier).</summary>
    public Sharpgres.Copy Copy(Composable statement, params object?[] args) => Copy(Render(statement, args is { Length: > 0 }), args);

    /// <summary>Async COPY of a composed statement (<see cref="Sql"/>).</summary>
    public Task<Sharpgres.Copy> CopyAsync(Composable statement, object?[]? args = null, CancellationToken cancellationToken = default) =>
        CopyAsync(Render(statement, args is { Length: > 0 }), args, cancellationToken);

    private string Render(Composable query, bool parsedForPlaceholders)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckOpen();
        return query.ForQuery(Connection, parsedForPlaceholders);
    }

    /// <summary>A query with arguments is parsed for %s (a RawCursor's never is).</summary>
    private bool HasArguments(object?[]? args) => Binding != Binding.Raw && args is { Length: > 0 };
}

public partial class ServerCursor<TRow>
{
    /// <summary>Declares the cursor over a composed query (<see cref="Sql"/>); placeholders bound to <paramref name="args"/>.</summary>
    public ServerCursor<TRow> Execute(Composable query, params object?[] args) =>
        Execute((query ?? throw new ArgumentNullException(nameof(query))).ForQuery(Connection, args is { Length: > 0 }), args);

    /// <summary>Async twin of <see cref="Execute(Composable, object?[])"/>.</summary>
    public Task<ServerCursor<TRow>> ExecuteAsync(Composable query, object?[]? args = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync((query ?? throw new ArgumentNullException(nameof(query))).ForQuery(Connection, args is { Length: > 0 }), args, cancellationToken);
}

public sealed partial class Connection
{
    /// <summary>psycopg's <c>conn.execute(composed, params)</c>: a new cursor, executed, returned.</summary>
    public Cursor Execute(Composable query, params object?[] args) => Cursor().Execute(query, args);

    /// <summary>Async twin of <see cref="Execute(Composable, object?[])"/>.</summary>
    public async Task<Cursor> ExecuteAsync(Composable query, object?[]? args = null, CancellationToken cancellationToken = default)
    {
        var cur = Cursor();
        await cur.ExecuteAsync(query, args, cancellationToken).ConfigureAwait(false);
        return cur;
    }
}
