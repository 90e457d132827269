import type { Category } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';

/** The active categories as large buttons in their colours; one may be chosen. */
export function CategoryButtons(props: {
  categories: Category[];
  value: string | null;
  onChange(code: string): void;
  /** data-testid of each button: `${testIdPrefix}${code}`. */
  testIdPrefix: string;
  big?: boolean;
}) {
  const { name } = useI18n();
  return (
    <div className={props.big ? 'category-buttons big' : 'category-buttons'}>
      {props.categories
        .filter((c) => c.active)
        .map((c) => (
          <button
            type="button"
            key={c.code}
            className={c.code === props.value ? 'category selected' : 'category'}
            style={{ borderColor: c.color }}
            onClick={() => props.onChange(c.code)}
            data-testid={`${props.testIdPrefix}${c.code}`}
            aria-pressed={c.code === props.value}
          >
            <span className="swatch dot" style={{ background: c.color }} />
            {name(c)}
          </button>
        ))}
    </div>
  );
}
