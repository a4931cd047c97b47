using System.Diagnostics.CodeAnalysis;
using System.Collections;
using System.Runtime.CompilerServices;
using Sharpgres.Results;

namespace Sharpgres;

/// <summary>
/// psycopg's client-side cursor: <see cref="Execute(string, object?[])"/> sends a query (placeholders bound
/// server-side, never spliced), buffers its result, and the Fetch methods walk it. Rows are shaped by the cursor's
/// row factory; typed reads (<see cref="FetchOne{T}()"/>) map columns onto records, classes, tuples or scalars.
/// </summary>
public partial class Cursor<TRow> : IDisposable, IAsyncDisposable, IEnumerable<TRow>, IAsyncEnumerable<TRow>
{
    private readonly RowFactory<TRow> _factory;
    private readonly List<ResultSet> _results = [];
    private int _resultIndex;
    private ResultSet? _current;
    private int _position;
    private long _rowCount = -1;
    private bool _closed;

    internal Cursor(Connection connection, RowFactory<TRow> factory, Binding binding = Binding.Server)
    {
        Connection = connection;
        _factory = factory;
        Binding = binding;
    }

    /// <summary>The connection the cursor runs its statements on (psycopg's <c>cursor.connection</c>).</summary>
    public Connection Connection { get; }

    /// <summary>True once <see cref="Close"/> or Dispose was called (psycopg's <c>cursor.closed</c>); a closed cursor raises InterfaceError on execute and fetch.</summary>
    public bool Closed => _closed;

    /// <summary>How many rows FetchMany returns by default (DB-API arraysize, default 1).</summary>
    public int ArraySize { get; set; } = 1;

    /// <summary>
    /// psycopg 3's rowcount: -1 before any execute and for statements without a count; the number of rows of a
    /// SELECT right after Execute; affected rows for INSERT/UPDATE/DELETE/MERGE; the sum over ExecuteMany.
    /// </summary>
    public long RowCount { get { AwaitPipelineResult(); return _rowCount; } }

    /// <summary>0-based index of the next row to fetch; null when there is no result.</summary>
    public int? RowNumber => _current?.Description is null ? null : _position;

    /// <summary>The columns of the current result (DB-API description); null when it has none.</summary>
    public IReadOnlyList<Column>? Description => _current?.Description?.Fields.Select(f => Column.From(f, ActiveTypes)).ToArray();

    /// <summary>The command tag of the last statement, e.g. "INSERT 0 1".</summary>
    public string? StatusMessage => _current?.CommandTag;

    /// <summary>The number of rows of the current result.</summary>
    internal int ResultCount => _current?.Count ?? 0;

    /// <summary>The current result's rows were mapped as they arrived and wait for FetchAll&lt;T&gt; (<see cref="EagerFetch"/>).</summary>
    internal bool HasEarlyMappedRows => _current?.Eager is not null;

    private void CheckOpen()
    {
        if (_closed) throw new InterfaceError("the cursor is closed");
        Connection.CheckOpen();
    }

    private ResultSet CheckResult()
    {
        CheckOpen();
        AwaitPipelineResult();
        if (_current is null) throw new ProgrammingError("no result available");
        if (_current.Description is null || _current.DescribesOnly) throw new ProgrammingError("the last operation didn't produce a result");
        return _current;
    }

    internal void SetResults(List<ResultSet> results, long rowCount)
    {
        _results.Clear();
        _results.AddRange(results);
        _resultIndex = 0;
        _current = results.Count > 0 ? results[0] : null;
        _position = 0;
        _rowCount = rowCount;
    }

    /// <summary>One result (the usual Execute): no list allocated for it.</summary>
    internal void SetResult(ResultSet result, long rowCount)
    {
        _results.Clear();
        _results.Add(result);
        _resultIndex = 0;
        _current = result;
        _position = 0;
        _rowCount = rowCount;
    }

    private void ResetResults()
    {
        _results.Clear();
        _current = null;
        _position = 0;
        _rowCount = -1;
    }

    /// <summary>Moves to the next result of a multi-statement Execute or ExecuteMany(returning: true); false when none.</summary>
    public bool NextSet()
    {
        // psycopg's nextset() checks nothing: a closed cursor (its results dropped) simply has no next set.
        if (_closed) return false;
        if (_resultIndex + 1 >= _results.Count) return false;
        _current = _results[++_resultIndex];
        _position = 0;
        _rowCount = _current.RowCount;
        return true;
    }

    /// <summary>The next row, or null past the end.</summary>
    public TRow? FetchOne()
    {
        var result = CheckResult();
        if (_position >= result.Count) return default;
        return _factory.Make(new Row(result, _position++));
    }

    /// <summary>Up to <paramref name="size"/> next rows (0: <see cref="ArraySize"/>).</summary>
    public IReadOnlyList<TRow> FetchMany(int size = 0)
    {
        var result = CheckResult();
        if (size <= 0) size = ArraySize;
        var n = Math.Min(size, result.Count - _position);
        var rows = new TRow[n];
        for (var i = 0; i < n; i++) rows[i] = _factory.Make(new Row(result, _position++));
        return rows;
    }

    /// <summary>All the remaining rows.</summary>
    public IReadOnlyList<TRow> FetchAll() => FetchMany(Math.Max(1, ResultCountRemaining()));

    private int ResultCountRemaining() { var r = CheckResult(); return r.Count - _position; }

    /// <summary>Moves the position (psycopg's scroll); out of range raises IndexOutOfRangeException and doesn't move.</summary>
    public void Scroll(int value, ScrollMode mode = ScrollMode.Relative)
    {
        var result = CheckResult();
        var target = mode == ScrollMode.Relative ? _position + value : value;
        if (target < 0 || target >= result.Count)
            throw new IndexOutOfRangeException($"position {target} out of result range (0 to {result.Count - 1})");
        _position = target;
    }

    /// <summary>The next row mapped onto <typeparamref name="T"/>, or default past the end.</summary>
    public T? FetchOne<[DynamicallyAccessedMembers(MappedMembers.Row)] T>()
    {
        var result = CheckResult();
        if (_position >= result.Count) return default;
        return RowMapper<T>.For(result.Description!).Map(result, _position++);
    }

    /// <summary>Up to <paramref name="size"/> next rows mapped onto <typeparamref name="T"/>.</summary>
    public IReadOnlyList<T> FetchMany<[DynamicallyAccessedMembers(MappedMembers.Row)] T>(int size = 0)
    {
        var result = CheckResult();
        if (size <= 0) size = ArraySize;
        var n = Math.Min(size, result.Count - _position);
        var whole = _position == 0 && n == result.Count;
        if (whole && result.Eager is EagerRows<T> eager && eager.Take(result) is { } mapped)
        {
            _position = n;
            return mapped;
        }
        var rows = new T[n];
        RowMapper<T>.For(result.Description!).MapRange(result, ref _position, rows);
        if (whole) LearnWholeFetch<T>(result, n);
        return rows;
    }

    /// <summary>
    /// The whole result was fetched as <typeparamref name="T"/> in one call: the statement's next run maps its rows as
    /// they arrive (<see cref="EagerFetch"/>), when that runs no application code.
    /// </summary>
    private static void LearnWholeFetch<[DynamicallyAccessedMembers(MappedMembers.Row)] T>(ResultSet result, int rows)
    {
        if (!EagerFetch<T>.Eligible || result.Statement is not { } statement) return;
        if (statement.EagerFetch is not EagerFetch<T> plan) statement.EagerFetch = plan = new EagerFetch<T>();
        plan.ExpectedRows = rows;
    }

    /// <summary>All remaining rows mapped onto <typeparamref name="T"/>.</summary>
    public IReadOnlyList<T> FetchAll<[DynamicallyAccessedMembers(MappedMembers.Row)] T>() => FetchMany<T>(Math.Max(1, ResultCountRemaining()));

    /// <summary>
    /// The next row turned into a <typeparamref name="T"/> by <paramref name="map"/> (e.g.
    /// <c>r => new Person(r.Get&lt;int&gt;(0), r.Get&lt;string&gt;(1))</c>), or default past the end: the typed fetch
    /// that needs no reflection, for trimmed and NativeAOT applications.
    /// </summary>
    public T? FetchOne<T>(Func<Row, T> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var result = CheckResult();
        return _position >= result.Count ? default : map(new Row(result, _position++));
    }

    /// <summary>All remaining rows turned into <typeparamref name="T"/> by <paramref name="map"/>: the reflection-free typed fetch (trimming, NativeAOT).</summary>
    public IReadOnlyList<T> FetchAll<T>(Func<Row, T> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var result = CheckResult();
        var rows = new T[result.Count - _position];
        for (var i = 0; i < rows.Length; i++) rows[i] = map(new Row(result, _position++));
        return rows;
    }

    /// <summary>psycopg's <c>await acur.fetchone()</c>: the next row of the current result, or null past the end. The result is already buffered, so this completes at once.</summary>
    public Task<TRow?> FetchOneAsync(CancellationToken cancellationToken = default) => Task.FromResult(FetchOne());
    /// <summary>psycopg's <c>await acur.fetchmany(size)</c>: up to <paramref name="size"/> next rows (<see cref="ArraySize"/> when 0). Completes at once: the result is buffered.</summary>
    public Task<IReadOnlyList<TRow>> FetchManyAsync(int size = 0, CancellationToken cancellationToken = default) => Task.FromResult(FetchMany(size));
    /// <summary>psycopg's <c>await acur.fetchall()</c>: all remaining rows of the current result. Completes at once: the result is buffered.</summary>
    public Task<IReadOnlyList<TRow>> FetchAllAsync(CancellationToken cancellationToken = default) => Task.FromResult(FetchAll());
    /// <summary>Async twin of <see cref="FetchOne{T}()"/>: the next row mapped onto <typeparamref name="T"/>, or default past the end.</summary>
    public Task<T?> FetchOneAsync<[DynamicallyAccessedMembers(MappedMembers.Row)] T>(CancellationToken cancellationToken = default) => Task.FromResult(FetchOne<T>());
    /// <summary>Async twin of <see cref="FetchAll{T}()"/>: all remaining rows mapped onto <typeparamref name="T"/>.</summary>
    public Task<IReadOnlyList<T>> FetchAllAsync<[DynamicallyAccessedMembers(MappedMembers.Row)] T>(CancellationToken cancellationToken = default) => Task.FromResult(FetchAll<T>());

    /// <summary>Iterates the remaining rows (psycopg: <c>for row in cur</c>).</summary>
    public IEnumerator<TRow> GetEnumerator()
    {
        while (true)
        {
            var result = CheckResult();
            if (_position >= result.Count) yield break;
            yield return _factory.Make(new Row(result, _position++));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>psycopg's <c>async for row in acur</c>: iterates the remaining rows of the current result, checking <paramref name="cancellationToken"/> between rows.</summary>
    public async IAsyncEnumerator<TRow> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var row in this)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return row;
        }
    }

    /// <summary>Closes the cursor and frees its result. Idempotent.</summary>
    public void Close()
    {
        _closed = true;
        ResetResults();
    }

    /// <summary>Closes the cursor as <see cref="Close"/> does.</summary>
    public void Dispose() => Close();
    /// <summary>Closes the cursor as <see cref="Close"/> does (there is no I/O to await: the result is buffered).</summary>
    public ValueTask DisposeAsync() { Close(); return ValueTask.CompletedTask; }
}

/// <summary>The default cursor, producing <see cref="Row"/>s.</summary>
public sealed class Cursor : Cursor<Row>
{
    internal Cursor(Connection connection, RowFactory<Row> factory, Binding binding = Binding.Server) : base(connection, factory, binding) { }

    // The same Execute calls, typed as Cursor so `Cursor cur = conn.Cursor().Execute(...)` reads naturally.
    /// <summary>Executes a query with %s placeholders bound to <paramref name="args"/> (or one object or dictionary for %(name)s), returning this cursor typed as <see cref="Cursor"/>.</summary>
    public new Cursor Execute(string query, params object?[] args) { base.Execute(query, args); return this; }
    /// <summary>Executes a query with %(name)s placeholders bound from the dictionary <paramref name="args"/>, returning this cursor typed as <see cref="Cursor"/>.</summary>
    public new Cursor Execute(string query, IReadOnlyDictionary<string, object?> args) { base.Execute(query, args); return this; }
    /// <summary>Executes an interpolated query (every hole a bound parameter, never SQL text), returning this cursor typed as <see cref="Cursor"/>.</summary>
    public new Cursor Execute(ref PgInterpolatedStringHandler query) { base.Execute(ref query); return this; }
    /// <summary>Executes a composed query (<see cref="Sql"/>) with its placeholders bound to <paramref name="args"/>, returning this cursor typed as <see cref="Cursor"/>.</summary>
    public new Cursor Execute(Composable query, params object?[] args) { base.Execute(query, args); return this; }
}
