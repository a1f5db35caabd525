import { render } from 'preact';
import './styles.css';

render(
  <main>
    <h1>Booking</h1>
  </main>,
  document.getElementById('app')!,
);
