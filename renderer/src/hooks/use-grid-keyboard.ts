import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';

export interface GridItemProps {
  className: string;
  ref: (element: HTMLElement | null) => void;
  tabIndex: number;
  onFocus: () => void;
  onKeyDown: (event: KeyboardEvent) => void;
  onClick: () => void;
}

/**
 * Adds keyboard navigation with a roving tab stop to a grid of cards. Tab
 * enters the grid once and arrow keys move between cards. Up and Down move by
 * one row, read from the layout. Home and End jump to the ends, and Enter or
 * Space opens the focused card.
 */
export function useGridKeyboard(count: number, onOpen: (index: number) => void): (index: number) => GridItemProps {
  const elements = useRef<(HTMLElement | null)[]>([]);
  const [focusIndex, setFocusIndex] = useState(0);

  useEffect(() => {
    if (focusIndex >= count) setFocusIndex(Math.max(0, count - 1));
  }, [count, focusIndex]);

  const move = useCallback(
    (from: number, key: string): number | null => {
      const columns = columnCount(elements.current);
      const targets: Record<string, number> = {
        ArrowRight: from + 1,
        ArrowLeft: from - 1,
        ArrowDown: from + columns,
        ArrowUp: from - columns,
        Home: 0,
        End: count - 1,
      };
      const target = targets[key];
      if (target === undefined) return null;
      return Math.min(count - 1, Math.max(0, target));
    },
    [count],
  );

  return (index) => ({
    // Mantine's class that draws its focus ring on keyboard focus only.
    className: 'mantine-focus-auto',
    ref: (element) => {
      elements.current[index] = element;
    },
    tabIndex: index === focusIndex ? 0 : -1,
    onFocus: () => setFocusIndex(index),
    onClick: () => onOpen(index),
    onKeyDown: (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        onOpen(index);
        return;
      }
      const target = move(index, event.key);
      if (target === null) return;
      event.preventDefault();
      setFocusIndex(target);
      elements.current[target]?.focus();
    },
  });
}

/** Cards in the first row of a wrapping grid: those on the same line as the first card. */
function columnCount(elements: (HTMLElement | null)[]): number {
  const first = elements[0];
  if (!first) return 1;
  let columns = 0;
  for (const element of elements) {
    if (!element || element.offsetTop !== first.offsetTop) break;
    columns += 1;
  }
  return Math.max(1, columns);
}
