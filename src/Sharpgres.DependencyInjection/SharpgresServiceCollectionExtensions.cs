using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Sharpgres.Data;
using Sharpgres.Pool;

namespace Sharpgres.DependencyInjection;

/// <summary>
/// <c>services.AddSharpgresDataSource(connectionString)</c>: one <see cref="SharpgresDataSource"/> (a singleton, logging
/// through the container's <see cref="ILoggerFactory"/>) registered as itself and as <see cref="DbDataSource"/>, its
/// <see cref="ConnectionPool"/> (the same sessions for the psycopg-style face), and <see cref="SharpgresConnection"/> / <see cref="DbConnection"/> handed out per scope or per
/// resolution. The keyed variants register the same under a service key, for several databases in one application.
/// </summary>
public static class SharpgresServiceCollectionExtensions
{
    /// <summary>Registers a data source for <paramref name="connectionString"/> (ADO.NET form, libpq conninfo or URI).</summary>
    /// <param name="services">The container's registrations.</param>
    /// <param name="connectionString">Npgsql-style keys, a libpq conninfo string or a URI.</param>
    /// <param name="configure">Changes to the data source before it is built (keys, logger factory).</param>
    /// <param name="connectionLifetime">How long a resolved connection lives: Transient (default) or Scoped.</param>
    public static IServiceCollection AddSharpgresDataSource(this IServiceCollection services, string connectionString,
        Action<SharpgresDataSourceBuilder>? configure = null, ServiceLifetime connectionLifetime = ServiceLifetime.Transient) =>
        Register(services, null, connectionString, configure, connectionLifetime);

    /// <summary>The keyed variant: resolve with <c>[FromKeyedServices(key)]</c> or <c>GetRequiredKeyedService&lt;T&gt;(key)</c>.</summary>
    public static IServiceCollection AddKeyedSharpgresDataSource(this IServiceCollection services, object? serviceKey, string connectionString,
        Action<SharpgresDataSourceBuilder>? configure = null, ServiceLifetime connectionLifetime = ServiceLifetime.Transient) =>
        Register(services, serviceKey, connectionString, configure, connectionLifetime);

    private static IServiceCollection Register(IServiceCollection services, object? key, string connectionString,
        Action<SharpgresDataSourceBuilder>? configure, ServiceLifetime connectionLifetime)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connectionString);
        if (connectionLifetime == ServiceLifetime.Singleton)
            throw new ArgumentException("a connection can't be a singleton: use Transient or Scoped", nameof(connectionLifetime));

        SharpgresDataSource Build(IServiceProvider provider)
        {
            var builder = new SharpgresDataSourceBuilder(connectionString);
            builder.UseLoggerFactory(provider.GetService<ILoggerFactory>());
            configure?.Invoke(builder);
            return builder.Build();
        }

        if (key is null)
        {
            services.TryAddSingleton(Build);
            services.TryAddSingleton<DbDataSource>(p => p.GetRequiredService<SharpgresDataSource>());
            services.TryAddSingleton(p => p.GetRequiredService<SharpgresDataSource>().Pool);
            services.TryAdd(new ServiceDescriptor(typeof(SharpgresConnection), p => p.GetRequiredService<SharpgresDataSource>().CreateConnection(), connectionLifetime));
            services.TryAdd(new ServiceDescriptor(typeof(DbConnection), p => p.GetRequiredService<SharpgresConnection>(), connectionLifetime));
        }
        else
        {
            services.TryAddKeyedSingleton(key, (p, _) => Build(p));
            services.TryAddKeyedSingleton<DbDataSource>(key, (p, k) => p.GetRequiredKeyedService<SharpgresDataSource>(k));
            services.TryAddKeyedSingleton(key, (p, k) => p.GetRequiredKeyedService<SharpgresDataSource>(k).Pool);
            services.TryAdd(new ServiceDescriptor(typeof(SharpgresConnection), key, (p, k) => p.GetRequiredKeyedService<SharpgresDataSource>(k).CreateConnection(), connectionLifetime));
            services.TryAdd(new ServiceDescriptor(typeof(DbConnection), key, (p, k) => p.GetRequiredKeyedService<SharpgresConnection>(k), connectionLifetime));
        }
        return services;
    }
}
