using System.Collections;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Sharpgres.Protocol.Frontend;

namespace Sharpgres.Data;

/// <summary>
/// Several commands sent in one round trip (the extended protocol pipelined: Parse/Bind/Execute for each, one Sync),
/// run in one implicit transaction unless a transaction is open. Each command's rows are one result of the reader
/// (<c>NextResult</c>), <see cref="SharpgresBatchCommand.RecordsAffected"/> is set per command, and a failure names
/// the failing command (its index and text) and skips the ones after it.
/// </summary>
public sealed class SharpgresBatch : DbBatch
{
    private SharpgresConnection? _connection;

    /// <summary>An empty batch.</summary>
    public SharpgresBatch() { }

    /// <summary>An empty batch on a connection.</summary>
    public SharpgresBatch(SharpgresConnection connection) => _connection = connection;

    /// <summary>The commands, in order.</summary>
    public new SharpgresBatchCommandCollection BatchCommands { get; } = new();

    /// <inheritdoc />
    protected override DbBatchCommandCollection DbBatchCommands => BatchCommands;

    /// <summary>Seconds before the batch is cancelled (0: never); by default the connection string's Command Timeout.</summary>
    public override int Timeout
    {
        get => _timeout ?? (_connection is { } c ? c.Settings.CommandTimeout : 30);
        set { ArgumentOutOfRangeException.ThrowIfNegative(value); _timeout = value; }
    }

    private int? _timeout;

    /// <summary>The connection.</summary>
    public new SharpgresConnection? Connection { get => _connection; set => _connection = value; }

    /// <inheritdoc />
    protected override DbConnection? DbConnection
    {
        get => _connection;
        set => _connection = (SharpgresConnection?)value;
    }

    /// <summary>The transaction the batch runs in.</summary>
    public new SharpgresTransaction? Transaction { get; set; }

    /// <inheritdoc />
    protected override DbTransaction? DbTransaction
    {
        get => Transaction;
        set => Transaction = (SharpgresTransaction?)value;
    }

    /// <inheritdoc />
    protected override DbBatchCommand CreateDbBatchCommand() => new SharpgresBatchCommand();

    /// <summary>A new command for this batch (not added yet).</summary>
    public new SharpgresBatchCommand CreateBatchCommand() => new();

    /// <summary>Runs the batch: the total RecordsAffected.</summary>
    public override int ExecuteNonQuery() => ExecuteNonQueryAsync(false, default).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken = default) => ExecuteNonQueryAsync(true, cancellationToken).AsTask();

    private async ValueTask<int> ExecuteNonQueryAsync(bool async, CancellationToken ct) =>
        await Execution.NonQueryAsync(await ExecuteAsync(CommandBehavior.Default, async, ct).ConfigureAwait(false), async, ct).ConfigureAwait(false);

    /// <summary>The first column of the first row of the first command's result.</summary>
    public override object? ExecuteScalar() => ExecuteScalarAsync(false, default).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken = default) => ExecuteScalarAsync(true, cancellationToken).AsTask();

    private async ValueTask<object?> ExecuteScalarAsync(bool async, CancellationToken ct) =>
        await Execution.ScalarAsync(await ExecuteAsync(CommandBehavior.Default, async, ct).ConfigureAwait(false), async, ct).ConfigureAwait(false);

    /// <summary>Runs the batch; the reader walks each command's result with NextResult.</summary>
    public new SharpgresDataReader ExecuteReader(CommandBehavior behavior = CommandBehavior.Default) =>
        ExecuteAsync(behavior, false, default).GetAwaiter().GetResult();

    /// <inheritdoc />
    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => ExecuteReader(behavior);

    /// <inheritdoc />
    protected override async Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken) =>
        await ExecuteAsync(behavior, true, cancellationToken).ConfigureAwait(false);

    private async ValueTask<SharpgresDataReader> ExecuteAsync(CommandBehavior behavior, bool async, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var connection = _connection ?? throw new InvalidOperationException("the batch has no connection");
        if (connection.State != ConnectionState.Open) throw new InvalidOperationException($"the connection is not open ({connection.State})");
        if (BatchCommands.Count == 0) throw new InvalidOperationException("the batch has no commands");
        if (Transaction is { } t && !ReferenceEquals(t.Connection, connection)) throw new InvalidOperationException("the batch's transaction belongs to another connection or is completed");
        connection.CheckReady("ExecuteReader");
        var binder = new ParameterBinder(connection.Inner);
        var statements = new List<(string, BoundParameters)>();
        var owners = new List<SharpgresBatchCommand>();
        for (var i = 0; i < BatchCommands.Count; i++)
        {
            var command = BatchCommands[i];
            command.SetRecordsAffected(-1);
            if (string.IsNullOrWhiteSpace(command.CommandText)) throw new InvalidOperationException($"batch command {i} has no CommandText");
            if (command.CommandType == CommandType.StoredProcedure)
                throw new NotSupportedException("StoredProcedure commands in a batch are not supported: use CALL in the command text");
            var parsed = AdoSql.Get(command.CommandText);
            foreach (var statement in parsed.Statements)
            {
                statements.Add((statement.Sql, binder.Bind(statement, command.Parameters, parsed.Named)));
                owners.Add(command);
            }
        }
        return await Execution.StartAsync(connection, null, statements, prepare: false, behavior, Timeout, async, ct, owners).ConfigureAwait(false);
    }

    /// <summary>Nothing to prepare ahead: the batch's statements go through the connection's statement cache.</summary>
    public override void Prepare() { }

    /// <inheritdoc />
    public override Task PrepareAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>Sends a CancelRequest for the running batch.</summary>
    public override void Cancel()
    {
        if (_connection is { State: ConnectionState.Open, CurrentReader: not null } c) c.Inner.Cancel();
    }
}

/// <summary>One command of a <see cref="SharpgresBatch"/>: SQL with <c>@name</c> / <c>$n</c> placeholders and its parameters.</summary>
public sealed class SharpgresBatchCommand : DbBatchCommand
{
    private string _text = "";

    /// <summary>An empty command.</summary>
    public SharpgresBatchCommand() { }

    /// <summary>A command with its text.</summary>
    public SharpgresBatchCommand(string commandText) => _text = commandText;

    /// <summary>The SQL.</summary>
    [AllowNull]
    public override string CommandText { get => _text; set => _text = value ?? ""; }

    /// <summary>Text (StoredProcedure is not supported in batches).</summary>
    public override CommandType CommandType { get; set; } = CommandType.Text;

    /// <summary>The rows this command inserted, updated, deleted, merged or copied; -1 before it ran or for queries.</summary>
    public override int RecordsAffected => _recordsAffected;

    internal void SetRecordsAffected(int value) => _recordsAffected = value;

    private int _recordsAffected = -1;

    /// <summary>The parameters.</summary>
    public new SharpgresParameterCollection Parameters { get; } = new();

    /// <inheritdoc />
    protected override DbParameterCollection DbParameterCollection => Parameters;

    /// <inheritdoc />
    public override bool CanCreateParameter => true;

    /// <inheritdoc />
    public override DbParameter CreateParameter() => new SharpgresParameter();
}

/// <summary>The commands of a <see cref="SharpgresBatch"/>.</summary>
public sealed class SharpgresBatchCommandCollection : DbBatchCommandCollection, IList<SharpgresBatchCommand>
{
    private readonly List<SharpgresBatchCommand> _items = [];

    /// <inheritdoc />
    public override int Count => _items.Count;
    /// <inheritdoc />
    public override bool IsReadOnly => false;

    /// <summary>The command at <paramref name="index"/>.</summary>
    public new SharpgresBatchCommand this[int index] { get => _items[index]; set => _items[index] = value; }

    /// <summary>Adds a command.</summary>
    public void Add(SharpgresBatchCommand item) => _items.Add(item);
    /// <inheritdoc />
    public override void Add(DbBatchCommand item) => _items.Add((SharpgresBatchCommand)item);
    /// <inheritdoc />
    public override void Clear() => _items.Clear();
    /// <inheritdoc />
    public override bool Contains(DbBatchCommand item) => item is SharpgresBatchCommand c && _items.Contains(c);
    /// <inheritdoc />
    public override void CopyTo(DbBatchCommand[] array, int arrayIndex) { foreach (var c in _items) array[arrayIndex++] = c; }
    /// <inheritdoc />
    public override IEnumerator<DbBatchCommand> GetEnumerator() => _items.GetEnumerator();
    /// <inheritdoc />
    public override int IndexOf(DbBatchCommand item) => item is SharpgresBatchCommand c ? _items.IndexOf(c) : -1;
    /// <inheritdoc />
    public override void Insert(int index, DbBatchCommand item) => _items.Insert(index, (SharpgresBatchCommand)item);
    /// <inheritdoc />
    public override bool Remove(DbBatchCommand item) => item is SharpgresBatchCommand c && _items.Remove(c);
    /// <inheritdoc />
    public override void RemoveAt(int index) => _items.RemoveAt(index);
    /// <inheritdoc />
    protected override DbBatchCommand GetBatchCommand(int index) => _items[index];
    /// <inheritdoc />
    protected override void SetBatchCommand(int index, DbBatchCommand batchCommand) => _items[index] = (SharpgresBatchCommand)batchCommand;

    int IList<SharpgresBatchCommand>.IndexOf(SharpgresBatchCommand item) => _items.IndexOf(item);
    void IList<SharpgresBatchCommand>.Insert(int index, SharpgresBatchCommand item) => _items.Insert(index, item);
    bool ICollection<SharpgresBatchCommand>.Contains(SharpgresBatchCommand item) => _items.Contains(item);
    void ICollection<SharpgresBatchCommand>.CopyTo(SharpgresBatchCommand[] array, int arrayIndex) => _items.CopyTo(array, arrayIndex);
    bool ICollection<SharpgresBatchCommand>.Remove(SharpgresBatchCommand item) => _items.Remove(item);
    IEnumerator<SharpgresBatchCommand> IEnumerable<SharpgresBatchCommand>.GetEnumerator() => _items.GetEnumerator();
}
