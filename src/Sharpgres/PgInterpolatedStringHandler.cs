using System.Runtime.CompilerServices;
using System.Text;

namespace Sharpgres;

/// <summary>
/// Lets <c>cur.Execute($"SELECT * FROM people WHERE city = {city}")</c> bind every hole as a server-side parameter:
/// the literal parts become the SQL (with '%' escaped), each hole becomes %s (or %b / %t with <c>{x:b}</c>,
/// <c>{x:t}</c>). Injection is impossible by construction: values never touch the SQL text.
/// </summary>
[InterpolatedStringHandler]
public ref struct PgInterpolatedStringHandler
{
    private readonly StringBuilder _sql;
    private readonly List<object?> _args;

    /// <summary>Called by the compiler for an interpolated query: sizes the SQL text and the argument list.</summary>
    public PgInterpolatedStringHandler(int literalLength, int formattedCount)
    {
        _sql = new StringBuilder(literalLength + formattedCount * 2);
        _args = new List<object?>(formattedCount);
    }

    /// <summary>Called by the compiler for a literal part: appended to the SQL text with '%' doubled, so it can't be read as a placeholder.</summary>
    public void AppendLiteral(string value) => _sql.Append(value.Replace("%", "%%"));

    /// <summary>Called by the compiler for a hole: appends a %s placeholder and binds <paramref name="value"/> as a parameter (a null keeps <typeparamref name="T"/> as its type).</summary>
    public void AppendFormatted<T>(T value) => AppendFormatted(value, null);

    /// <summary>Called by the compiler for a hole with a format: <c>{x:b}</c> binds in binary (%b), <c>{x:t}</c> in text (%t), otherwise %s.</summary>
    public void AppendFormatted<T>(T value, string? format)
    {
        _sql.Append(format switch
        {
            null or "" or "s" => "%s",
            "b" => "%b",
            "t" => "%t",
            _ => throw new ProgrammingError($"unknown placeholder format '{format}' in interpolated query: use :b or :t"),
        });
        // A null int? still knows it is an int: send a NULL of that type.
        _args.Add(value is null && typeof(T) != typeof(object) ? TypedNull.Of<T>() : value);
    }

    internal readonly string Sql => _sql.ToString();
    internal readonly object?[] Arguments => _args.ToArray();
}
