// The shop's front end. Planted fault (a): when the server says so (sellOutOfStock), products with no
// stock can still be put into the cart, and the customer only learns at checkout.
const cart = new Map();
const money = (cents) => `$${(cents / 100).toFixed(2)}`;
let products = [];

async function load() {
  const [settings, catalogue] = await Promise.all([
    fetch('/api/settings').then((r) => r.json()),
    fetch('/api/products').then((r) => r.json()),
  ]);
  products = catalogue.products;
  const list = document.getElementById('products');
  list.replaceChildren(...products.map((p) => {
    const item = document.createElement('li');
    const soldOut = p.stock === 0;
    item.innerHTML = `<span><span class="name"></span> <span class="price"></span>
      <span class="stock${soldOut ? ' out' : ''}">${soldOut ? 'out of stock' : `${p.stock} in stock`}</span></span>
      <button type="button">Add to cart</button>`;
    item.querySelector('.name').textContent = p.name;
    item.querySelector('.price').textContent = money(p.priceCents);
    const button = item.querySelector('button');
    button.id = `add-${p.sku}`;
    button.disabled = soldOut && !settings.sellOutOfStock;
    button.addEventListener('click', () => add(p));
    return item;
  }));
}

function add(product) {
  cart.set(product.sku, (cart.get(product.sku) ?? 0) + 1);
  renderCart();
}

function renderCart() {
  const list = document.getElementById('cart');
  if (cart.size === 0) {
    list.innerHTML = '<li class="empty">Your cart is empty.</li>';
  } else {
    list.replaceChildren(...[...cart].map(([sku, quantity]) => {
      const item = document.createElement('li');
      item.textContent = `${quantity} × ${products.find((p) => p.sku === sku).name}`;
      return item;
    }));
  }
  const total = [...cart].reduce((sum, [sku, q]) => sum + products.find((p) => p.sku === sku).priceCents * q, 0);
  document.getElementById('total').textContent = money(total);
}

async function checkout(event) {
  event.preventDefault();
  const message = document.getElementById('message');
  const value = (id) => document.getElementById(id).value;
  window.Retrospect?.identify({ email: value('email') });
  message.className = '';
  message.textContent = 'Paying…';
  const answer = await fetch('/api/checkout', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: value('email'),
      name: value('name'),
      card: { number: value('card-number'), expiry: value('card-expiry'), cvc: value('card-cvc') },
      items: [...cart].map(([sku, quantity]) => ({ sku, quantity })),
    }),
  });
  const result = await answer.json();
  if (answer.ok) {
    message.className = 'ok';
    message.textContent = `Thank you! Order paid, ${money(result.totalCents)}. Tracking: ${result.trackingId}`;
    cart.clear();
    renderCart();
    await load();
  } else {
    message.className = 'error';
    message.textContent = `Checkout failed: ${result.error}`;
  }
}

document.getElementById('checkout').addEventListener('submit', checkout);
load().catch((err) => {
  document.getElementById('message').textContent = `The shop could not load: ${err.message}`;
});
