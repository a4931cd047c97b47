using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Sharpgres.DependencyInjection;
using Sharpgres.Pool;

namespace Sharpgres.Data.Tests;

/// <summary>AddSharpgresDataSource (plain and keyed), the container's logger factory, and the health check.</summary>
public sealed class DependencyInjectionTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    [Fact]
    public async Task The_data_source_connections_and_pool_resolve_from_the_container()
    {
        var services = new ServiceCollection();
        services.AddSharpgresDataSource(db.ConnectionString, connectionLifetime: ServiceLifetime.Scoped);
        await using var provider = services.BuildServiceProvider();
        var dataSource = provider.GetRequiredService<SharpgresDataSource>();
        Assert.Same(dataSource, provider.GetRequiredService<DbDataSource>());
        using (var scope = provider.CreateScope())
        {
            var c = scope.ServiceProvider.GetRequiredService<SharpgresConnection>();
            Assert.Same(c, scope.ServiceProvider.GetRequiredService<DbConnection>());
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT current_database()";
            Assert.Equal(db.Database, await cmd.ExecuteScalarAsync());
        }
        await using var direct = await dataSource.OpenConnectionAsync();
        Assert.Equal(System.Data.ConnectionState.Open, direct.State);
        var pid = direct.ProcessId;
        await direct.CloseAsync();
        // The pool behind the data source is registered too: the psycopg face gets the same (idle) session.
        var pool = provider.GetRequiredService<ConnectionPool>();
        Assert.Same(dataSource.Pool, pool);
        await using (var conn = await pool.ConnectionAsync())
            Assert.Equal(pid, conn.Info.BackendPid);
        await provider.DisposeAsync();
        Assert.True(pool.Closed);   // the container closes the pool with the data source
    }

    [Fact]
    public async Task Keyed_registrations_give_each_database_its_own_data_source()
    {
        var services = new ServiceCollection();
        services.AddKeyedSharpgresDataSource("app", db.ConnectionString);
        services.AddKeyedSharpgresDataSource("admin", new SharpgresConnectionStringBuilder(db.ConnectionString) { Database = "postgres" }.ConnectionString);
        await using var provider = services.BuildServiceProvider();
        var app = provider.GetRequiredKeyedService<SharpgresDataSource>("app");
        var admin = provider.GetRequiredKeyedService<DbDataSource>("admin");
        Assert.NotSame(app, admin);
        Assert.Same(app.Pool, provider.GetRequiredKeyedService<ConnectionPool>("app"));
        Assert.NotSame(app.Pool, provider.GetRequiredKeyedService<ConnectionPool>("admin"));
        await using var a = provider.GetRequiredKeyedService<SharpgresConnection>("app");
        await a.OpenAsync();
        Assert.Equal(db.Database, a.Database);
        await using var b = await admin.OpenConnectionAsync();
        Assert.Equal("postgres", b.Database);
        Assert.Null(provider.GetService<SharpgresDataSource>());
    }

    [Fact]
    public async Task The_containers_logger_factory_receives_the_logs()
    {
        var logs = new CollectingLoggerProvider();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(new LoggerFactory([logs]));
        services.AddSharpgresDataSource(db.ConnectionString);
        await using var provider = services.BuildServiceProvider();
        await using var c = provider.GetRequiredService<SharpgresConnection>();
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "DO $$ BEGIN RAISE NOTICE 'hello from the server'; END $$";
        await cmd.ExecuteNonQueryAsync();
        Assert.Contains(logs.Messages, m => m.Contains("hello from the server"));
    }

    [Fact]
    public async Task The_health_check_is_healthy_with_a_server_and_unhealthy_without()
    {
        var services = new ServiceCollection();
        services.AddSharpgresDataSource(db.ConnectionString);
        services.AddLogging();
        services.AddKeyedSharpgresDataSource("down", "Host=127.0.0.1;Port=1;Database=x;Username=x;Timeout=2;Pooling=false");
        services.AddHealthChecks().AddSharpgres().AddSharpgres("down", dataSourceKey: "down");
        await using var provider = services.BuildServiceProvider();
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Entries["sharpgres"].Status);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["down"].Status);
        Assert.NotNull(report.Entries["down"].Exception);
    }

    private sealed class CollectingLoggerProvider : ILoggerProvider
    {
        public List<string> Messages { get; } = [];
        public ILogger CreateLogger(string categoryName) => new Logger(this);
        public void Dispose() { }

        private sealed class Logger(CollectingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner.Messages) owner.Messages.Add(formatter(state, exception));
            }
        }
    }
}
