using System.ComponentModel;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Sharpgres.Protocol.Frontend;

namespace Sharpgres.Data;

/// <summary>
/// An ADO.NET command: SQL with <c>@name</c> or <c>$1</c> placeholders (several statements separated by ';' run in one
/// round trip, one result each), a stored procedure or function name (<see cref="CommandType.StoredProcedure"/>), or a
/// table (<see cref="CommandType.TableDirect"/>). The text is rewritten to <c>$n</c> once per distinct text and runs
/// through the same statement cache and prepared statements as the psycopg face.
/// </summary>
public sealed class SharpgresCommand : DbCommand
{
    private string _text = "";
    private SharpgresConnection? _connection;
    private int? _timeout;
    private bool _prepared;
    private SharpgresDataReader? _reader;

    /// <summary>An empty command.</summary>
    public SharpgresCommand() { }

    /// <summary>A command with its text.</summary>
    public SharpgresCommand(string? commandText) => CommandText = commandText;

    /// <summary>A command with its text, on a connection.</summary>
    public SharpgresCommand(string? commandText, SharpgresConnection? connection)
    {
        CommandText = commandText;
        Connection = connection;
    }

    /// <summary>A command with its text, on a connection, in a transaction.</summary>
    public SharpgresCommand(string? commandText, SharpgresConnection? connection, SharpgresTransaction? transaction)
        : this(commandText, connection) => Transaction = transaction;

    // The connection's reader is reused by its next command: it is this command's only while it says so.
    private bool ReaderOpen => _reader is { IsClosed: false } r && ReferenceEquals(r.Command, this);

    /// <summary>The SQL (or procedure / table name); can't change while this command's reader is open.</summary>
    [AllowNull]
    public override string CommandText
    {
        get => _text;
        set
        {
            if (ReaderOpen) throw new InvalidOperationException("the command's data reader is open: close it before changing the command");
            _text = value ?? "";
            _prepared = false;
        }
    }

    /// <summary>Seconds before the command is cancelled (0: never); by default the connection string's Command Timeout (30).</summary>
    public override int CommandTimeout
    {
        get => _timeout ?? (_connection is { } c ? c.Settings.CommandTimeout : 30);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _timeout = value;
        }
    }

    /// <summary>Text (default), StoredProcedure or TableDirect.</summary>
    public override CommandType CommandType { get; set; } = CommandType.Text;

    /// <summary>How results update a DataRow (DataAdapter); Both by default.</summary>
    public override UpdateRowSource UpdatedRowSource { get; set; } = UpdateRowSource.Both;

    /// <inheritdoc />
    [DefaultValue(true), Browsable(false), EditorBrowsable(EditorBrowsableState.Never)]
    public override bool DesignTimeVisible { get; set; } = true;

    /// <summary>The connection; can't change while this command's reader is open.</summary>
    public new SharpgresConnection? Connection
    {
        get => _connection;
        set
        {
            if (ReaderOpen) throw new InvalidOperationException("the command's data reader is open: close it before changing the connection");
            _connection = value;
        }
    }

    /// <inheritdoc />
    protected override DbConnection? DbConnection
    {
        get => _connection;
        set => Connection = value is null or SharpgresConnection ? (SharpgresConnection?)value : throw new ArgumentException("a SharpgresConnection is expected");
    }

    /// <summary>The transaction the command runs in (it must be its connection's).</summary>
    public new SharpgresTransaction? Transaction { get; set; }

    /// <inheritdoc />
    protected override DbTransaction? DbTransaction
    {
        get => Transaction;
        set => Transaction = value is null or SharpgresTransaction ? (SharpgresTransaction?)value : throw new ArgumentException("a SharpgresTransaction is expected");
    }

    /// <summary>The parameters.</summary>
    public new SharpgresParameterCollection Parameters { get; } = new();

    /// <inheritdoc />
    protected override DbParameterCollection DbParameterCollection => Parameters;

    /// <summary>A new parameter (not added to <see cref="Parameters"/>).</summary>
    public new SharpgresParameter CreateParameter() => new();

    /// <inheritdoc />
    protected override DbParameter CreateDbParameter() => CreateParameter();

    /// <summary>
    /// Prepares the command's statements server-side on their next execution (a named prepared statement in the
    /// connection's cache, so later executions skip Parse and Describe).
    /// </summary>
    public override void Prepare()
    {
        CheckExecutable();
        _prepared = true;
    }

    /// <inheritdoc />
    public override Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled(cancellationToken);
        Prepare();
        return Task.CompletedTask;
    }

    /// <summary>True once <see cref="Prepare"/> was called for the current text.</summary>
    public bool IsPrepared => _prepared;

    /// <summary>Asks the server to cancel this command while it runs (a CancelRequest); does nothing otherwise.</summary>
    public override void Cancel()
    {
        if (ReaderOpen && _connection is { State: ConnectionState.Open } c) c.Inner.Cancel();
    }

    private SharpgresConnection CheckExecutable()
    {
        var connection = _connection ?? throw new InvalidOperationException("the command has no connection");
        if (connection.State != ConnectionState.Open) throw new InvalidOperationException($"the connection is not open ({connection.State})");
        if (string.IsNullOrWhiteSpace(_text)) throw new InvalidOperationException("the command has no CommandText");
        if (Transaction is { } t && !ReferenceEquals(t.Connection, connection))
            throw new InvalidOperationException(t.Connection is null
                ? "the command's transaction is already completed"
                : "the command's transaction belongs to another connection");
        return connection;
    }

    // ---- executing -----------------------------------------------------------------------------------------------

    /// <summary>Runs the command and returns ADO.NET's RecordsAffected (-1 for statements without a count, like SELECT).</summary>
    public override int ExecuteNonQuery() => ExecuteNonQueryAsync(false, default).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken) => ExecuteNonQueryAsync(true, cancellationToken).AsTask();

    private async ValueTask<int> ExecuteNonQueryAsync(bool async, CancellationToken ct)
    {
        if (!async || _connection is not { State: ConnectionState.Open } connection || Parameters.HasOutputs)
            return await RunNonQueryAsync(async, ct).ConfigureAwait(false);
        // Async calls made while another runs (Dapper's CommandFlags.Pipelined) queue and go out together: see NonQueryQueue.
        ct.ThrowIfCancellationRequested();
        var queue = connection.NonQueries;
        if (queue.TryQueue(() => { CheckExecutable(); return BuildStatements(connection); }, CommandTimeout, out var queued))
            return await queued.ConfigureAwait(false);
        try { return await RunNonQueryAsync(true, ct).ConfigureAwait(false); }
        finally { queue.Release(); }
    }

    private async ValueTask<int> RunNonQueryAsync(bool async, CancellationToken ct) =>
        await Execution.NonQueryAsync(await ExecuteReaderAsync(CommandBehavior.Default, async, ct).ConfigureAwait(false), async, ct).ConfigureAwait(false);

    /// <summary>The first column of the first row of the first result; null when there is no row, DBNull for NULL.</summary>
    public override object? ExecuteScalar() => ExecuteScalarAsync(false, default).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken) => ExecuteScalarAsync(true, cancellationToken).AsTask();

    private async ValueTask<object?> ExecuteScalarAsync(bool async, CancellationToken ct) =>
        await Execution.ScalarAsync(await ExecuteReaderAsync(CommandBehavior.SingleResult, async, ct).ConfigureAwait(false), async, ct).ConfigureAwait(false);

    /// <summary>Runs the command and returns a reader positioned before the first row of the first result.</summary>
    public new SharpgresDataReader ExecuteReader() => ExecuteReader(CommandBehavior.Default);

    /// <summary>Runs the command with the given behaviour (SingleRow, SingleResult, SchemaOnly, KeyInfo, CloseConnection ...).</summary>
    public new SharpgresDataReader ExecuteReader(CommandBehavior behavior) => ExecuteReaderAsync(behavior, false, default).GetAwaiter().GetResult();

    /// <inheritdoc />
    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => ExecuteReader(behavior);

    /// <inheritdoc />
    protected override async Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken) =>
        await ExecuteReaderAsync(behavior, true, cancellationToken).ConfigureAwait(false);

    /// <summary>The async ExecuteReader, typed.</summary>
    public new Task<SharpgresDataReader> ExecuteReaderAsync(CancellationToken cancellationToken = default) =>
        ExecuteReaderAsync(CommandBehavior.Default, true, cancellationToken).AsTask();

    /// <summary>The async ExecuteReader with a behaviour, typed.</summary>
    public new Task<SharpgresDataReader> ExecuteReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken = default) =>
        ExecuteReaderAsync(behavior, true, cancellationToken).AsTask();

    private async ValueTask<SharpgresDataReader> ExecuteReaderAsync(CommandBehavior behavior, bool async, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var connection = CheckExecutable();
        connection.CheckReady("ExecuteReader");
        var scratch = connection.Scratch;
        try
        {
            var statements = BuildStatements(connection, scratch);
            var reader = await Execution.StartAsync(connection, this, statements, _prepared, behavior, CommandTimeout, async, ct).ConfigureAwait(false);
            _reader = reader;
            return reader;
        }
        finally
        {
            scratch.Release();
        }
    }

    /// <summary>The statements to send; with <paramref name="scratch"/> (sent at once) in the connection's reused list and arrays.</summary>
    private List<(string Sql, BoundParameters Parameters)> BuildStatements(SharpgresConnection connection, CommandScratch? scratch = null)
    {
        var binder = scratch?.Binder(connection.Inner) ?? new ParameterBinder(connection.Inner);
        switch (CommandType)
        {
            case CommandType.StoredProcedure:
                return [StoredProcedures.Build(connection, this, binder)];
            case CommandType.TableDirect:
                return [("SELECT * FROM " + _text, BoundParameters.Empty)];
            default:
                var parsed = AdoSql.Get(_text);
                // One statement can use the scratch arrays; several need an array set each.
                var single = scratch is not null && parsed.Statements.Length == 1 ? scratch : null;
                var statements = single?.Statements() ?? new List<(string, BoundParameters)>(parsed.Statements.Length);
                foreach (var statement in parsed.Statements)
                    statements.Add((statement.Sql, binder.Bind(statement, Parameters, parsed.Named, single)));
                return statements;
        }
    }

    /// <summary>Output, InputOutput and ReturnValue parameters take the first row's columns: by name, else in order.</summary>
    internal void FillOutputs(SharpgresDataReader reader)
    {
        var position = 0;
        foreach (var p in Parameters.Items)
        {
            if (p.Direction == ParameterDirection.Input) continue;
            var ordinal = -1;
            if (p.TrimmedName.Length > 0)
                for (var i = 0; i < reader.FieldCount; i++)
                    if (string.Equals(reader.GetName(i), p.TrimmedName, StringComparison.OrdinalIgnoreCase)) { ordinal = i; break; }
            if (ordinal < 0) ordinal = position;
            if (ordinal < reader.FieldCount) p.Value = reader.GetValue(ordinal);
            position++;
        }
    }

    /// <summary>A copy of the command (text, type, timeout, connection, transaction, copies of the parameters).</summary>
    public SharpgresCommand Clone()
    {
        var copy = new SharpgresCommand(_text, _connection, Transaction) { CommandType = CommandType, UpdatedRowSource = UpdatedRowSource };
        if (_timeout is { } t) copy.CommandTimeout = t;
        foreach (var p in Parameters.Items) copy.Parameters.Add(p.Clone());
        return copy;
    }
}

/// <summary>Starting a command's or a batch's run and handing it to a reader: shared by both.</summary>
internal static class Execution
{
    /// <summary>ExecuteNonQuery: every result read to its end, then ADO.NET's RecordsAffected.</summary>
    public static async ValueTask<int> NonQueryAsync(SharpgresDataReader reader, bool async, CancellationToken ct)
    {
        try
        {
            while (async ? await reader.NextResultAsync(ct).ConfigureAwait(false) : reader.NextResult()) { }
        }
        finally
        {
            if (async) await reader.CloseAsync().ConfigureAwait(false); else reader.Close();
        }
        return reader.RecordsAffected;
    }

    /// <summary>ExecuteScalar: the first column of the first row, null without rows, DBNull for NULL.</summary>
    public static async ValueTask<object?> ScalarAsync(SharpgresDataReader reader, bool async, CancellationToken ct)
    {
        try
        {
            var hasRow = async ? await reader.ReadAsync(ct).ConfigureAwait(false) : reader.Read();
            return hasRow && reader.FieldCount > 0 ? reader.GetValue(0) : null;
        }
        finally
        {
            if (async) await reader.CloseAsync().ConfigureAwait(false); else reader.Close();
        }
    }

    public static async ValueTask<SharpgresDataReader> StartAsync(SharpgresConnection connection, SharpgresCommand? command,
        List<(string Sql, BoundParameters Parameters)> statements, bool prepare, CommandBehavior behavior, int timeout, bool async, CancellationToken ct,
        List<SharpgresBatchCommand>? batchCommands = null)
    {
        var inner = connection.Inner;
        if ((behavior & CommandBehavior.SchemaOnly) != 0) statements = SchemaOnly(statements);
        CommandRun run;
        var spare = connection.SpareReader;
        try
        {
            run = await CommandRun.StartAsync(inner, statements, prepare, batchCommands is null ? PgOperationKind.Command : PgOperationKind.Batch,
                async, ct, reuse: spare?.Run).ConfigureAwait(false);
            run.BatchCommands = batchCommands;
        }
        catch (InterfaceError e) when (e.Message.Contains("already in progress", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("a command is already in progress on this connection", e);
        }
        connection.StartTimeout(run, timeout);
        SharpgresDataReader reader;
        if (spare is not null && ReferenceEquals(spare.Run, run)) { reader = spare; reader.Reuse(command, run, behavior); }
        else reader = new SharpgresDataReader(connection, command, run, behavior);
        connection.ReaderOpened(reader);
        try
        {
            await reader.InitializeAsync(async).ConfigureAwait(false);
        }
        finally
        {
            connection.StopTimeout(run);
        }
        return reader;
    }

    /// <summary>
    /// SchemaOnly: the columns of each query without its rows (wrapped in a LIMIT 0); statements that are not queries
    /// are not run at all, as nothing of SchemaOnly may change the database.
    /// </summary>
    private static List<(string Sql, BoundParameters Parameters)> SchemaOnly(List<(string Sql, BoundParameters Parameters)> statements) =>
        statements.Where(s => IsQuery(s.Sql)).Select(s => ($"SELECT * FROM ({s.Sql}) AS schema_only LIMIT 0", s.Parameters)).ToList();

    private static bool IsQuery(string sql)
    {
        var word = sql.TrimStart().Split((char[])[' ', '\n', '\t', '\r', '('], 2)[0];
        return word.Equals("SELECT", StringComparison.OrdinalIgnoreCase) || word.Equals("WITH", StringComparison.OrdinalIgnoreCase)
            || word.Equals("VALUES", StringComparison.OrdinalIgnoreCase) || word.Equals("TABLE", StringComparison.OrdinalIgnoreCase);
    }
}
