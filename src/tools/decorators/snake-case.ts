/** `getWeather` → `get_weather`, `fetchHTTPStatus` → `fetch_http_status`, `get_weather` unchanged. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}
