export { ScreenPopCard } from './ScreenPopCard';
