using System.Collections;
using System.Globalization;
using System.Text;

namespace Sharpgres;

/// <summary>Python-like reprs of values, so printed rows read like the tutorials' output.</summary>
internal static class ValueFormatter
{
    public static void AppendRepr(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null: sb.Append("None"); break;
            case string s: AppendString(sb, s); break;
            case bool b: sb.Append(b ? "True" : "False"); break;
            case double d: sb.Append(FormatDouble(d)); break;
            case float f: sb.Append(FormatDouble(f)); break;
            case decimal m: sb.Append("Decimal('").Append(m.ToString(CultureInfo.InvariantCulture)).Append("')"); break;
            // Dates and times as PostgreSQL prints them (ISO), with the microseconds that are there.
            case DateOnly date: sb.Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
            case TimeOnly time: sb.Append(time.ToString(time.Ticks % TimeSpan.TicksPerSecond == 0 ? "HH:mm:ss" : "HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture)); break;
            case DateTime dt: sb.Append(dt.ToString(dt.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture)); break;
            case DateTimeOffset dto:
                sb.Append(dto.ToString(dto.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture))
                  .Append(dto.Offset < TimeSpan.Zero ? '-' : '+').Append(dto.Offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture));
                break;
            case System.Text.Json.JsonElement json: sb.Append(json.GetRawText()); break;
            case IFormattable formattable when value is not IEnumerable:
                sb.Append(formattable.ToString(null, CultureInfo.InvariantCulture)); break;
            case byte[] bytes: sb.Append("b'").Append(Convert.ToHexString(bytes)).Append('\''); break;
            case IDictionary dict:
                sb.Append('{');
                var first = true;
                foreach (DictionaryEntry e in dict)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    AppendRepr(sb, e.Key);
                    sb.Append(": ");
                    AppendRepr(sb, e.Value);
                }
                sb.Append('}');
                break;
            case IEnumerable list and not string:
                sb.Append('[');
                var firstItem = true;
                foreach (var item in list)
                {
                    if (!firstItem) sb.Append(", ");
                    firstItem = false;
                    AppendRepr(sb, item);
                }
                sb.Append(']');
                break;
            default: sb.Append(value); break;
        }
    }

    /// <summary>Python's str repr: single quotes, or double quotes when the text has a ' and no ".</summary>
    private static void AppendString(StringBuilder sb, string s)
    {
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        sb.Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c == quote) sb.Append('\\');
                    sb.Append(c);
                    break;
            }
        }
        sb.Append(quote);
    }

    private static string FormatDouble(double d) =>
        double.IsNaN(d) ? "nan" : double.IsPositiveInfinity(d) ? "inf" : double.IsNegativeInfinity(d) ? "-inf"
        : d == Math.Floor(d) && Math.Abs(d) < 1e16 ? d.ToString("0.0", CultureInfo.InvariantCulture)
        : d.ToString("R", CultureInfo.InvariantCulture);

    public static bool ValuesEqual(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a is byte[] x && b is byte[] y) return x.AsSpan().SequenceEqual(y);
        if (a is IEnumerable ea && a is not string && b is IEnumerable eb && b is not string)
        {
            var la = ea.Cast<object?>().ToList();
            var lb = eb.Cast<object?>().ToList();
            return la.Count == lb.Count && la.Zip(lb).All(p => ValuesEqual(p.First, p.Second));
        }
        return a.Equals(b);
    }
}
