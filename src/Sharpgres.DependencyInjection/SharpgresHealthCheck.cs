using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sharpgres.Data;

namespace Sharpgres.DependencyInjection;

/// <summary>A health check that runs a cheap query (<c>SELECT 1</c> by default) through the registered data source.</summary>
public sealed class SharpgresHealthCheck(DbDataSource dataSource, string query) : IHealthCheck
{
    /// <summary>Healthy when a connection opens and the query answers; the failure's exception otherwise.</summary>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = query;
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is DbException or TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, e.Message, e);
        }
    }
}

/// <summary><c>services.AddHealthChecks().AddSharpgres()</c>.</summary>
public static class SharpgresHealthCheckBuilderExtensions
{
    /// <summary>
    /// Adds a check running <paramref name="query"/> through the registered <see cref="SharpgresDataSource"/> (the keyed
    /// one when <paramref name="dataSourceKey"/> is given).
    /// </summary>
    public static IHealthChecksBuilder AddSharpgres(this IHealthChecksBuilder builder, string name = "sharpgres", string query = "SELECT 1",
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null, object? dataSourceKey = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name,
            provider => new SharpgresHealthCheck(dataSourceKey is null
                ? provider.GetRequiredService<SharpgresDataSource>()
                : provider.GetRequiredKeyedService<SharpgresDataSource>(dataSourceKey), query),
            failureStatus, tags, timeout));
    }
}
