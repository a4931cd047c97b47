using System.Data.Common;
using Microsoft.Extensions.Logging;
using Sharpgres.Pool;

namespace Sharpgres.Data;

/// <summary>
/// ADO.NET's data source (what dependency injection registers): hands out <see cref="SharpgresConnection"/>s whose
/// sessions come from one connection pool built from the connection string's pool keys (Minimum / Maximum Pool Size,
/// Connection Idle Lifetime, Connection Lifetime, Timeout). Dispose closes the pool.
/// </summary>
public sealed class SharpgresDataSource : DbDataSource
{
    private readonly string _connectionString;
    private bool _disposed;

    internal SharpgresDataSource(SharpgresConnectionStringBuilder settings, ILoggerFactory? loggerFactory, PgTelemetryOptions? telemetry = null)
    {
        Settings = settings;
        Telemetry = telemetry;
        _connectionString = settings.ConnectionString;
        LoggerFactory = loggerFactory;
        Source = new PooledSource(settings, loggerFactory);
    }

    /// <summary>A data source for a connection string (ADO.NET form, libpq conninfo or URI).</summary>
    public static SharpgresDataSource Create(string connectionString) =>
        new(new SharpgresConnectionStringBuilder(connectionString), null);

    /// <summary>A data source for the keys of a builder.</summary>
    public static SharpgresDataSource Create(SharpgresConnectionStringBuilder builder) =>
        new(new SharpgresConnectionStringBuilder(builder.ConnectionString), null);

    internal SharpgresConnectionStringBuilder Settings { get; }
    internal PooledSource Source { get; }

    /// <summary>
    /// The connection pool behind this data source (a <see cref="NullConnectionPool"/> with Pooling=false): the same
    /// sessions the ADO.NET connections use, for the psycopg-style face (<c>Pool.Connection()</c>), stats and resizing.
    /// </summary>
    public ConnectionPool Pool => Source.Pool;
    internal ILoggerFactory? LoggerFactory { get; }

    /// <summary>The builder's telemetry options (ConfigureTelemetry); null: <see cref="Pg.Telemetry"/>.</summary>
    internal PgTelemetryOptions? Telemetry { get; }

    /// <summary>The connection string without its password.</summary>
    public override string ConnectionString => Settings.ToString();

    /// <summary>A closed connection of this data source.</summary>
    public new SharpgresConnection CreateConnection() => (SharpgresConnection)CreateDbConnection();

    /// <summary>An open connection of this data source.</summary>
    public new SharpgresConnection OpenConnection()
    {
        var connection = CreateConnection();
        try { connection.Open(); }
        catch { connection.Dispose(); throw; }
        return connection;
    }

    /// <summary>An open connection of this data source, opened asynchronously.</summary>
    public new async ValueTask<SharpgresConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = CreateConnection();
        try { await connection.OpenAsync(cancellationToken).ConfigureAwait(false); }
        catch { await connection.DisposeAsync().ConfigureAwait(false); throw; }
        return connection;
    }

    /// <inheritdoc />
    protected override DbConnection CreateDbConnection()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new SharpgresConnection(this, _connectionString);
    }

    /// <summary>Closes the pool's idle sessions now and those in use when they come back; new ones replace them.</summary>
    public void Clear() => Source.Clear();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            Source.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeAsyncCore()
    {
        if (!_disposed)
        {
            _disposed = true;
            await Source.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Builds a <see cref="SharpgresDataSource"/>: the connection string's keys, and where it logs.</summary>
public sealed class SharpgresDataSourceBuilder
{
    private ILoggerFactory? _loggerFactory;
    private PgTelemetryOptions? _telemetry;

    /// <summary>A builder starting from a connection string.</summary>
    public SharpgresDataSourceBuilder(string? connectionString = null) => ConnectionStringBuilder = new SharpgresConnectionStringBuilder(connectionString);

    /// <summary>The keys, to change before <see cref="Build"/>.</summary>
    public SharpgresConnectionStringBuilder ConnectionStringBuilder { get; }

    /// <summary>The connection string so far.</summary>
    public string ConnectionString => ConnectionStringBuilder.ConnectionString;

    /// <summary>Logs connections, the pool and notices through this factory instead of <see cref="Pg.LoggerFactory"/>.</summary>
    public SharpgresDataSourceBuilder UseLoggerFactory(ILoggerFactory? loggerFactory)
    {
        _loggerFactory = loggerFactory;
        return this;
    }

    /// <summary>
    /// Telemetry options of this data source's commands, batches and other operations, instead of
    /// <see cref="Pg.Telemetry"/>: a filter, an enrich callback, a span-name provider, opt-in parameter values. Each
    /// call configures the same options object, which starts empty (not a copy of <see cref="Pg.Telemetry"/>).
    /// Opening a pooled session is traced by <see cref="Pg.Telemetry"/>'s <c>TraceConnect</c>: the pool opens sessions
    /// for every connection of the data source at once, none of them in particular.
    /// </summary>
    public SharpgresDataSourceBuilder ConfigureTelemetry(Action<PgTelemetryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(_telemetry ??= new PgTelemetryOptions());
        return this;
    }

    /// <summary>The data source.</summary>
    public SharpgresDataSource Build() =>
        new(new SharpgresConnectionStringBuilder(ConnectionStringBuilder.ConnectionString), _loggerFactory, _telemetry);
}
